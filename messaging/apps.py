from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "消息送达"
    default_auto_field = "django.db.models.BigAutoField"
