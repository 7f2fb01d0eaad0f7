from django.apps import AppConfig


class ProofreadingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "proofreading"
    verbose_name = "校对与查重"

    def ready(self) -> None:
        # Imported here: the panels use models, loaded only once apps are ready.
        from proofreading import panels
        from web import panels as page_panels

        page_panels.register("piece_checks", panels.piece_panel)
        page_panels.register("issue_checks", panels.issue_panel)
        page_panels.register_row_marks("review_queue", panels.queue_marks)
