"""Form helpers of the one door for text: a ModelForm whose text fields pass text.normalize."""

from django import forms

from text.normalize import normalize_block, normalize_line


class NormalizedModelForm(forms.ModelForm):
    """A model form whose text passes the one door for text (the admin's forms use it):
    a text area keeps its lines (``normalize_block``), any other text field is one line
    (``normalize_line``)."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and name in self.fields:
                multiline = isinstance(self.fields[name].widget, forms.Textarea)
                data[name] = normalize_block(value).strip() if multiline else normalize_line(value)
        return data
