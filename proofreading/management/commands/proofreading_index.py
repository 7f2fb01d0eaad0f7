from django.core.management.base import BaseCommand

from proofreading.index import refresh_index


class Command(BaseCommand):
    help = "建立或补全查重索引（导入大量往期后运行一次；平时每次查重前会自动补全少量）。"

    def handle(self, *args, **options):
        done = refresh_index(limit=None)
        self.stdout.write(f"已建立 {done} 篇稿件的查重指纹。")
