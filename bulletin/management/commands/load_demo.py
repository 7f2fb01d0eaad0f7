from django.core.management.base import BaseCommand

from bulletin.demo import DEMO_PASSWORD, load_demo_accounts, load_demo_pieces


class Command(BaseCommand):
    help = "载入演示账号和演示稿件（可重复运行，不会重复创建）并打印账号列表。"

    def handle(self, *args, **options):
        users = load_demo_accounts()
        made = load_demo_pieces(users)
        if made:
            self.stdout.write(f"已创建演示稿件 {made} 篇。")
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for user in users:
            unit = f" · {user.unit.short_name}" if user.unit else ""
            self.stdout.write(f"  {user.username:<10} {user.get_role_display()}{unit}（{user.full_name}）")
        self.stdout.write("")
