"""The 对象类型 of audit rows in words: "accounts.user" → "用户".

Rows keep the model label they were written with (the log is append-only, nothing rewrites
it), so a model that moved to another app is found under two labels. An app names the labels
its models had before in its AppConfig, ``former_model_labels = {"bulletin.quota":
"assessment.quota"}``, and the log reads both as one type.
"""

from django.apps import apps


def current_label(label: str) -> str:
    """The model label a row's `object_type` stands for today."""
    for config in apps.get_app_configs():
        moved = getattr(config, "former_model_labels", {})
        if label in moved:
            return moved[label]
    return label


def labels_of(label: str) -> list[str]:
    """Every label rows of this type may carry: the current one and its former ones."""
    current = current_label(label)
    former = [
        old
        for config in apps.get_app_configs()
        for old, new in getattr(config, "former_model_labels", {}).items()
        if new == current
    ]
    return [current, *former]


def type_name(label: str) -> str:
    """The model's Chinese name ("报送任务"); a label of no model is shown as it is."""
    if not label:
        return ""
    try:
        model = apps.get_model(current_label(label))
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name)
