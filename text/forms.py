"""Form helpers of the one door for text: a ModelForm whose text fields pass text.normalize,
and the rule that plain-text fields hold no markup."""

from django import forms

from text.normalize import normalize_block, normalize_line
from text.richtext import reject_markup


def refuses_markup(*rich: str):
    """Class decorator for a form: every text field (a CharField, but not a password) refuses
    HTML tags, scripts and encoded tags (``text.richtext.reject_markup``, a Chinese
    message) — except the fields named in ``rich``, which are sanitised by their own door
    (the piece body, by nh3). Declared on the class, so a test can walk every form."""

    def decorate(form_class):
        for name, field in form_class.base_fields.items():
            if name in rich or not isinstance(field, forms.CharField):
                continue
            if isinstance(field.widget, forms.PasswordInput):
                continue  # a password may hold any character
            if reject_markup not in field.validators:
                field.validators.append(reject_markup)
        form_class.rich_text_fields = tuple(rich)
        return form_class

    return decorate


class NormalizedModelForm(forms.ModelForm):
    """A model form whose text passes the one door for text (the admin's forms use it):
    a text area keeps its lines (``normalize_block``), any other text field is one line
    (``normalize_line``); no text field may hold markup (``reject_markup``)."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and name in self.fields:
                multiline = isinstance(self.fields[name].widget, forms.Textarea)
                data[name] = normalize_block(value).strip() if multiline else normalize_line(value)
                if isinstance(self.fields[name].widget, forms.PasswordInput):
                    continue
                try:
                    reject_markup(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data
