"""Recompute every piece's printed text and refill the search indexes.

For data that arrived without the actions (a bulk load, `loaddata`, a database restored
from elsewhere): published pieces from their issue's frozen snapshot, the others from
their current fields, exactly as the actions keep them (bulletin/printed_text.py).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from bulletin.printed_text import fill_printed_texts, rebuild_index


class Command(BaseCommand):
    help = "重新生成全部稿件的印刷文字与检索索引（批量导入或恢复数据之后使用）。"

    def handle(self, *args, **options):
        with transaction.atomic():
            count = fill_printed_texts()
            rebuild_index()
        self.stdout.write(f"已重建 {count} 篇稿件的检索文字与索引。")
