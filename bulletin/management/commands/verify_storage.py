"""manage.py verify_storage: every stored PDF against its recorded SHA-256 and size,
and every uploaded Word file against its row. Exits non-zero when anything is wrong."""

from django.core.management.base import BaseCommand, CommandError

from bulletin.models import IssuePdf
from bulletin.storage import pdf_problem
from submissions.models import Submission


class Command(BaseCommand):
    help = "核对全部存档文件：PDF 的 SHA-256 与大小，来源 Word 文件是否存在。"

    def handle(self, *args, **options):
        problems: list[str] = []
        checked = 0
        for pdf in IssuePdf.objects.select_related("issue__publication").order_by("issue_id", "version"):
            checked += 1
            problem = pdf_problem(pdf)
            if problem:
                problems.append(problem)
        for piece in Submission.objects.exclude(source_docx="").only("pk", "title", "source_docx"):
            checked += 1
            if not piece.source_docx.storage.exists(piece.source_docx.name):
                problems.append(
                    f"稿件《{piece.title}》（{piece.pk}）的来源 Word 文件 {piece.source_docx.name} 不存在。"
                )
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"共检查 {checked} 个文件，{len(problems)} 个有问题。")
        self.stdout.write(f"共检查 {checked} 个文件，全部与记录一致。")
