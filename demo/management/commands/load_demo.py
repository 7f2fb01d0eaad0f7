from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import Role
from demo.data import (
    DEMO_PASSWORD,
    load_demo_accounts,
    load_demo_back_issues,
    load_demo_distribution_lists,
    load_demo_draft_issue,
    load_demo_office_work,
    load_demo_pieces,
)


class Command(BaseCommand):
    help = "载入演示数据（账号、稿件、往期、一期正在编排的刊物）；可重复运行，不会重复创建。"

    def handle(self, *args, **options):
        users = load_demo_accounts()
        made = load_demo_pieces(users)
        if made:
            self.stdout.write(f"已创建演示稿件 {made} 篇。")
        editor = next(user for user in users if user.username == "bianji")
        imported, folder = load_demo_back_issues(editor)
        if folder is None:
            self.stdout.write(
                "未找到往期样刊文字（demo/sample_issues 或 BULLETIN_SEEDS_DIR），往期档案为空；可用 import_issue 导入。"
            )
        elif imported:
            self.stdout.write(f"已从 {folder} 导入往期 {imported} 期（含重新排印的 PDF）。")
        load_demo_distribution_lists()
        if load_demo_office_work(editor):
            self.stdout.write("已设置演示报送任务（区、县（市）每月2篇，市直工委每月1篇）和一项约稿。")
        issue = load_demo_draft_issue(editor)
        if issue is not None:
            self.stdout.write(f"已新建正在编排的一期：{issue}。")
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for user in users:
            unit = f" · {user.unit.short_name}" if user.unit else ""
            self.stdout.write(f"  {user.username:<12} {user.get_role_display()}{unit}（{user.full_name}）")
        self.stdout.write(second_factor_note(settings.BULLETIN_2FA_ROLES))
        self.stdout.write("")


def second_factor_note(roles: list[str]) -> str:
    """What the demo's people meet after the password (docs/operations.md, "双因素认证"):
    `make run` asks nobody for a code unless BULLETIN_2FA_ROLES is set."""
    if not roles:
        return (
            "双因素认证：演示环境未开启（BULLETIN_2FA_ROLES 为空）。"
            "如需体验，请用 BULLETIN_2FA_ROLES=admin,auditor make run 启动，"
            "首次登录时用手机上的身份验证器扫码绑定。"
        )
    names = "、".join(Role(role).label for role in roles)
    return f"双因素认证：{names}登录时还须输入动态验证码，首次登录时按页面提示用身份验证器扫码绑定。"
