"""manage.py grant_auditor USER: make an account the 审计员, on the server (三员 separation).

A 管理员 cannot make itself 审计员; on the server the operator's OS user is recorded in the
audit log. --create makes a new 审计员 account; --reset-password sets a 审计员's password
(a 管理员 may not). Passwords are asked twice on a terminal, or read as one line from stdin.
"""

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.actions import change_role, create_account
from accounts.actions import reset_password as set_password_on_server
from accounts.models import Role, User
from audit.operators import os_operator


def read_password(command: BaseCommand, user: User) -> str:
    stdin = command.stdin
    if stdin.isatty():
        password = getpass.getpass("新密码：")
        if password != getpass.getpass("再输入一次："):
            raise CommandError("两次输入的密码不一致。")
    else:
        password = stdin.readline().rstrip("\n")
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise CommandError("密码不符合规则：" + "；".join(error.messages)) from error
    return password


class Command(BaseCommand):
    help = "在服务器上授予审计员角色（记入审计日志，含操作系统用户）；--create 新建审计员账号。"
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username", help="账号的用户名")
        parser.add_argument(
            "--create", action="store_true", help="新建这个审计员账号（密码从终端或标准输入读取）"
        )
        parser.add_argument("--full-name", default="", help="新建时的姓名")
        parser.add_argument(
            "--reset-password", action="store_true", help="重置这个审计员的密码（下次登录须修改）"
        )

    def handle(self, *, username: str, create: bool, full_name: str, reset_password: bool, **options):
        self.stdin = options.get("stdin", sys.stdin)
        operator = os_operator()
        user = User.objects.filter(username=username).first()
        if create:
            if user is not None:
                raise CommandError(f"账号 {username} 已存在；去掉 --create 即可授予审计员角色。")
            password = read_password(self, User(username=username, full_name=full_name))
            user = create_account(
                actor=None,
                username=username,
                password=password,
                role=Role.AUDITOR,
                full_name=full_name,
                operator=operator,
            )
            User.objects.filter(pk=user.pk).update(must_change_password=True)
            self.stdout.write(f"已新建审计员账号 {username}（首次登录须修改密码），已记入审计日志。")
            return
        if user is None:
            raise CommandError(f"没有账号 {username}。")
        with transaction.atomic():
            if user.role != Role.AUDITOR:
                before = user.get_role_display()
                change_role(actor=None, user=user, role=Role.AUDITOR, unit=None, operator=operator)
                self.stdout.write(f"{username}：{before} → 审计员，已记入审计日志（操作人 {operator}）。")
            elif not reset_password:
                self.stdout.write(f"{username} 已经是审计员。")
            if reset_password:
                password = read_password(self, user)
                set_password_on_server(actor=None, user=user, password=password, operator=operator)
                self.stdout.write(f"已重置审计员 {username} 的密码（下次登录须修改）。")
