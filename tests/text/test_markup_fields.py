"""Every plain-text form field refuses markup: a walk over every form the project declares
checks each text field carries the markup validator, with its own list of the fields that
are exempt and why; and the fields that used to store markup refuse it in Chinese."""

import importlib
import pkgutil

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from text.forms import NormalizedModelForm
from text.richtext import reject_markup

APPS = [
    "accounts",
    "archive",
    "assessment",
    "audit",
    "backissues",
    "bulletin",
    "proofreading",
    "submissions",
    "service",
    "text",
    "web",
    "manual",
]

# (form, field): why the field may hold "<"
EXEMPT = {
    ("submissions.forms.PieceForm", "body"): "the rich body, sanitised by nh3 (text.richtext)",
    ("backissues.forms.BackIssueForm", "text"): "a whole printed issue, parsed; its masthead has <http://…>",
}


def project_forms() -> list[type[forms.BaseForm]]:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            importlib.import_module(module.name)
    found, stack = [], [forms.BaseForm]
    while stack:
        for subclass in stack.pop().__subclasses__():
            stack.append(subclass)
            if subclass.__module__.split(".")[0] in APPS and subclass is not NormalizedModelForm:
                found.append(subclass)
    return found


def text_fields(form_class):
    """The form's text fields but passwords, and the user name of a sign-in form (typed to
    sign in, never stored or shown)."""
    signing_in = issubclass(form_class, AuthenticationForm)
    for name, field in form_class.base_fields.items():
        if signing_in and name == "username":
            continue
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            yield name, field


def test_every_plain_text_field_of_every_form_refuses_markup():
    walked = project_forms()
    assert len(walked) >= 30  # the walk found the project's forms
    missing = []
    for form_class in walked:
        label = f"{form_class.__module__}.{form_class.__name__}"
        for name, field in text_fields(form_class):
            if (label, name) in EXEMPT:
                continue
            if reject_markup not in field.validators:
                missing.append(f"{label}.{name}")
    assert missing == []
    for (label, name), _why in EXEMPT.items():
        module, _, cls = label.rpartition(".")
        assert name in getattr(importlib.import_module(module), cls).base_fields  # no stale exemption


@pytest.mark.parametrize(
    ("form_path", "data", "field"),
    [
        (
            "proofreading.forms.DismissForm",
            {"key": "abc", "reason": "<b>原文</b>", "submission": 1},
            "reason",
        ),
        (
            "assessment.forms.HigherAdoptionForm",
            {"level": "provincial", "publication": "<b>浙江人大信息</b>", "date": "2024-05-01"},
            "publication",
        ),
        (
            "assessment.forms.HigherAdoptionForm",
            {
                "level": "provincial",
                "publication": "浙江人大信息",
                "issue": "<i>第12期</i>",
                "date": "2024-05-01",
            },
            "issue",
        ),
        ("assessment.forms.HigherAdoptionRemoveForm", {"note": "<img src=x onerror=alert(1)>"}, "note"),
    ],
)
def test_fields_that_stored_markup_refuse_it_in_chinese(form_path, data, field):
    module, _, cls = form_path.rpartition(".")
    bound = getattr(importlib.import_module(module), cls)(data)
    assert not bound.is_valid()
    assert any(error.code == "markup" for error in bound.errors.as_data()[field])
    assert "不能包含 HTML 标记" in str(bound.errors[field])


@pytest.mark.django_db
def test_the_admin_forms_refuse_markup_too():
    from accounts.models import Unit

    form_class = forms.modelform_factory(Unit, form=NormalizedModelForm, fields=["name", "short_name"])
    bound = form_class({"name": "西湖区<script>x</script>", "short_name": "西湖"})
    assert not bound.is_valid() and "不能包含 HTML 标记" in str(bound.errors["name"])
