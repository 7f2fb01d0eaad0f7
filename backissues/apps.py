from django.apps import AppConfig


class BackIssuesConfig(AppConfig):
    name = "backissues"
    verbose_name = "往期导入"
