from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "信息工作考核"
    # These models lived in the bulletin app until 2026-12; audit rows written then keep
    # those labels (audit.object_types reads both as one type).
    former_model_labels = {
        f"bulletin.{model}": f"assessment.{model}"
        for model in ("pointsscheme", "instruction", "higheradoption", "quota")
    }

    def ready(self) -> None:
        # Imported here: panels and reminders use models, loaded only once apps are ready.
        from assessment import panels
        from assessment.reminders import quota_reminders
        from submissions import reminders
        from web import panels as page_panels
        from web.hooks import register

        page_panels.register("unit_home", panels.quota_panel)
        page_panels.register("review_side", panels.instructions_panel)
        page_panels.register("review_side", panels.higher_adoptions_panel)
        register(reminders.sources, quota_reminders)
