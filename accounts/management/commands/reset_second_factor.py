"""manage.py reset_second_factor USER: remove someone's authenticator and recovery codes on the
server — the way a 审计员's second factor is reset (a 管理员 may not, 三员 separation), and a
way for anyone's when no 管理员 can sign in. Audited with the operator's OS user."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.second_factor import reset_second_factor
from audit.operators import os_operator


class Command(BaseCommand):
    help = "在服务器上重置账号的双因素认证（删除身份验证器和恢复码，下次登录须重新绑定；记入审计日志）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="账号的用户名")

    def handle(self, *, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为 {username} 的账号。")
        removed = reset_second_factor(actor=None, user=user, operator=os_operator())
        if removed:
            self.stdout.write(
                f"已重置 {user.display_name}（{username}）的双因素认证，下次登录时须重新绑定身份验证器。"
            )
        else:
            self.stdout.write(f"{user.display_name}（{username}）尚未绑定身份验证器；已记入审计日志。")
