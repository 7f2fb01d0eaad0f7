"""manage.py revoke_auditor USER: take the 审计员 role away, on the server (三员 separation)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.actions import change_role
from accounts.models import Role, Unit, User
from audit.operators import os_operator


class Command(BaseCommand):
    help = "在服务器上收回审计员角色，改为另一角色（默认读者），记入审计日志（含操作系统用户）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="审计员账号的用户名")
        parser.add_argument(
            "--role",
            default=Role.READER,
            choices=[r for r in Role.values if r != Role.AUDITOR],
            help="改为的角色（默认 reader 读者）",
        )
        parser.add_argument("--unit", default="", help="改为报送员或审核人时的单位简称")

    def handle(self, *, username: str, role: str, unit: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有账号 {username}。")
        if user.role != Role.AUDITOR:
            raise CommandError(f"{username} 不是审计员（现为{user.get_role_display()}）。")
        target_unit = Unit.objects.filter(short_name=unit).first() if unit else None
        if unit and target_unit is None:
            raise CommandError(f"没有简称为“{unit}”的单位。")
        operator = os_operator()
        try:
            change_role(actor=None, user=user, role=role, unit=target_unit, operator=operator)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(f"{username}：审计员 → {Role(role).label}，已记入审计日志（操作人 {operator}）。")
