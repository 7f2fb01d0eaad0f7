"""manage.py changepassword USER: Django's own command, recorded in the audit log as 重置密码
with the operator's OS user."""

import getpass

from django.contrib.auth.management.commands.changepassword import Command as DjangoCommand

from accounts.models import User
from audit.operators import os_operator
from audit.records import Kind, record


class Command(DjangoCommand):
    def handle(self, *args, **options):
        result = super().handle(*args, **options)
        username = options.get("username") or getpass.getuser()  # Django's own default
        user = User.objects.db_manager(options.get("database")).filter(username=username).first()
        operator = os_operator()
        record(
            Kind.PASSWORD_RESET,
            actor_name=operator,
            obj=user,
            label=None if user else username,
            message=f"服务器命令 manage.py changepassword（操作系统用户 {operator}）",
        )
        return result
