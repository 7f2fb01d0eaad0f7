"""manage.py createsuperuser: Django's own command (a 管理员, AccountManager), recorded in the
audit log as 新建账号 with the role and the operator's OS user."""

from django.contrib.auth.management.commands.createsuperuser import Command as DjangoCommand
from django.db.models import Max

from accounts.models import User
from audit.operators import os_operator
from audit.records import Kind, record


class Command(DjangoCommand):
    def handle(self, *args, **options):
        database = options.get("database")
        accounts = User.objects.db_manager(database)
        last = accounts.aggregate(last=Max("pk"))["last"] or 0
        result = super().handle(*args, **options)
        operator = os_operator()
        for user in accounts.filter(pk__gt=last).order_by("pk"):
            record(
                Kind.ACCOUNT_CREATED,
                actor_name=operator,
                obj=user,
                after={"role": user.role, "unit": None, "is_active": user.is_active},
                message=f"服务器命令 manage.py createsuperuser（操作系统用户 {operator}）",
            )
        return result
