from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "service"
    verbose_name = "运行服务"
