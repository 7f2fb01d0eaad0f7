"""Delivery records older than BULLETIN_DELIVERY_RETENTION_DAYS go (a daily job)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from messaging.actions.deliveries import prune_deliveries


class Command(BaseCommand):
    help = "删除超过保存期限（BULLETIN_DELIVERY_RETENTION_DAYS 天）的送达记录"

    def handle(self, *args, **options):
        before = timezone.now() - datetime.timedelta(days=settings.BULLETIN_DELIVERY_RETENTION_DAYS)
        removed = prune_deliveries(before=before)
        self.stdout.write(
            f"已删除 {removed} 条送达记录（{timezone.localtime(before):%Y-%m-%d %H:%M} 之前）。"
        )
