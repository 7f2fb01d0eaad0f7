from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "消息送达"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: these modules use models, which are loaded only once apps are ready.
        from messaging.actions.deliveries import check_due_receipts, retry_due_deliveries
        from messaging.defaults import check_channel_settings
        from service import hooks
        from web.hooks import register

        check_channel_settings()  # a misspelt channel or kind stops the start
        # Deliveries a provider turned away for now go back to the worker once their wait is over.
        register(hooks.housekeeping, retry_due_deliveries)
        # Sent messages whose provider reports arrival (短信回执) are asked about until it does.
        register(hooks.housekeeping, check_due_receipts)
