"""The archive's search form."""

from django import forms

from accounts.models import Unit
from bulletin.models import Section
from text.forms import refuses_markup
from text.normalize import normalize_line


@refuses_markup()
class ArchiveSearchForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    unit = forms.ModelChoiceField(
        label="报送单位", queryset=Unit.objects.all(), required=False, empty_label="全部单位"
    )
    year = forms.IntegerField(label="年份", required=False, min_value=1990, max_value=2100)
    section = forms.ModelChoiceField(
        label="栏目", queryset=Section.objects.all(), required=False, empty_label="全部栏目"
    )

    def clean_q(self):
        return normalize_line(self.cleaned_data["q"])
