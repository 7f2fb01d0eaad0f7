"""python manage.py import_issue FILE|FOLDER [...]: import back issues from their extracted text."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Role, User
from backissues.actions import import_back_issue
from backissues.parsing.parser import ERROR, WARNING, NotAnIssueError, issue_text_files, parse_issue_file
from bulletin.actions.common import IssueActionError


class Command(BaseCommand):
    help = "从往期刊物的文字（由 PDF 提取的 .txt）导入已刊发的往期，并重新排印 PDF。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files",
            nargs="+",
            help="往期文字文件（.txt），可多个，可用通配符（back/*.txt），也可给文件夹（导入其中全部 .txt）",
        )
        parser.add_argument(
            "--replace", action="store_true", help="覆盖已导入过的同一期（系统中编排的期从不覆盖）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--as", dest="username", help="以哪位编辑的名义导入（默认：第一位编辑账号）")
        parser.add_argument("--verbose-report", action="store_true", help="也列出自动修复的地方（info）")

    def handle(self, *args, **options) -> None:
        actor = self._editor(options["username"])
        failed = 0
        for path in _expand(options["files"]):
            self.stdout.write(f"== {path}")
            try:
                result = parse_issue_file(path)
            except FileNotFoundError:
                self.stderr.write(f"   失败：找不到文件 {path}")
                failed += 1
                continue
            except (IsADirectoryError, PermissionError) as error:
                self.stderr.write(f"   失败：无法读取 {path}：{error}")
                failed += 1
                continue
            except NotAnIssueError as error:
                self.stderr.write(f"   失败：{error}")
                failed += 1
                continue
            doc = result.document
            self.stdout.write(
                f"   {doc.publication_name} {doc.year}年第{doc.number}期(总第{doc.total_number}期) {doc.date_label}，"
                + "，".join(f"{s.name} {len(s.items)}" for s in doc.sections)
            )
            for problem in result.problems:
                if problem.severity in (ERROR, WARNING) or options["verbose_report"]:
                    where = f"第 {problem.line} 行" if problem.line else "全期"
                    label = {"error": "错误", "warning": "注意", "info": "已修复"}[problem.severity]
                    excerpt = f"：{problem.text[:30]}" if problem.text else ""
                    self.stdout.write(f"   [{label}] {where} {problem.message}{excerpt}")
            if result.errors:
                self.stderr.write(
                    f"   失败：有 {len(result.errors)} 处错误，未导入。请改正文字后重试，或在网页“导入往期”中逐条核对。"
                )
                failed += 1
                continue
            if options["dry_run"]:
                self.stdout.write("   检查通过（--dry-run，未写入）。")
                continue
            try:
                issue, notes = import_back_issue(
                    actor=actor, result=result, source_name=path.name, replace=options["replace"]
                )
            except IssueActionError as error:
                self.stderr.write(f"   失败：{error}")
                failed += 1
                continue
            for note in notes:
                self.stdout.write(f"   [注意] {note}")
            self.stdout.write(f"   已导入，PDF 已重新排印（{issue.pdfs.first().size // 1024} KB）。")
        if failed:
            raise CommandError(f"{failed} 个文件未能导入。")

    def _editor(self, username: str | None) -> User:
        editors = User.objects.filter(role=Role.EDITOR, is_active=True)
        editor = editors.filter(username=username).first() if username else editors.order_by("pk").first()
        if editor is None:
            raise CommandError("需要一个编辑账号来导入：请用 --as 指定编辑的用户名，或先创建编辑账号。")
        return editor


def _expand(names: list[str]) -> list[Path]:
    """Files as given; a folder stands for its .txt files (none: the folder, reported as unreadable)."""
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            paths.extend(issue_text_files(path) or [path])
        else:
            paths.append(path)
    return paths
