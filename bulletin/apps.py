from django.apps import AppConfig


class BulletinConfig(AppConfig):
    name = "bulletin"
    verbose_name = "刊物编辑"

    def ready(self) -> None:
        # Imported here: the receivers use models, which are loaded only once apps are ready.
        from bulletin import receivers
        from bulletin.actions.publish_jobs import settle_abandoned_publish_jobs
        from service import hooks
        from submissions.models import Submission
        from submissions.signals import piece_text_changed, placement_asked
        from web.hooks import register

        piece_text_changed.connect(
            receivers.keep_printed_text, sender=Submission, dispatch_uid="bulletin.printed_text"
        )
        piece_text_changed.connect(
            receivers.rerender_draft_issue, sender=Submission, dispatch_uid="bulletin.rerender"
        )
        placement_asked.connect(
            receivers.placement_label, sender=Submission, dispatch_uid="bulletin.placement"
        )
        register(hooks.housekeeping, settle_abandoned_publish_jobs)
        register(hooks.restore_checks, receivers.check_issue_pdfs)
