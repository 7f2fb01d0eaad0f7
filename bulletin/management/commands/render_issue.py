"""python manage.py render_issue --year 2024 --number 15 -o out.pdf

Renders an issue (its frozen snapshot once published, else its current placements) to the print PDF and/or print HTML.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bulletin.documents import issue_document
from bulletin.models import Issue, Publication
from printing.render import render_html, render_pdf


class Command(BaseCommand):
    help = "把一期刊物的定稿内容排成印刷版 PDF（或打印用 HTML）。"
    # The system checks import every view (a third of a second) and add nothing to a
    # print run from a script; runserver and migrate still run them.
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="年份，如 2024")
        parser.add_argument("--number", type=int, help="当年期号，如 15")
        parser.add_argument("--total", type=int, help="总期号，如 703（可代替 --year/--number）")
        parser.add_argument("--publication", help="刊名（有多个刊物时指定），默认为唯一的刊物")
        parser.add_argument("-o", "--output", help="PDF 输出路径")
        parser.add_argument("--html", help="打印用 HTML 输出路径")

    def handle(self, *args, **options) -> None:
        if not options["output"] and not options["html"]:
            raise CommandError("请用 -o 指定 PDF 输出路径，或用 --html 指定 HTML 输出路径。")
        issue = self._find_issue(options)
        try:
            # A published issue prints from its frozen snapshot, a draft from its placements.
            document = issue_document(issue)
        except (KeyError, TypeError, ValueError) as error:
            raise CommandError(f"{issue} 的定稿内容无法读取：{error}") from error
        if not any(section.items for section in document.sections):
            raise CommandError(f"{issue} 还没有编入任何稿件，无法排版。")

        if options["html"]:
            path = Path(options["html"])
            path.write_text(render_html(document), encoding="utf-8")
            self.stdout.write(f"已写出 HTML：{path}")
        if options["output"]:
            path = Path(options["output"])
            pdf = render_pdf(document)
            path.write_bytes(pdf)
            self.stdout.write(f"已写出 PDF：{path}（{len(pdf) // 1024} KB）")

    def _find_issue(self, options: dict) -> Issue:
        issues = Issue.objects.select_related("publication")
        if options["publication"]:
            if not Publication.objects.filter(name=options["publication"]).exists():
                raise CommandError(f"没有名为“{options['publication']}”的刊物。")
            issues = issues.filter(publication__name=options["publication"])
        if options["total"] is not None:
            if options["year"] is not None or options["number"] is not None:
                raise CommandError("--total 与 --year/--number 只能二选一。")
            issues = issues.filter(total_number=options["total"])
            wanted = f"总第{options['total']}期"
        elif options["year"] is not None and options["number"] is not None:
            issues = issues.filter(year=options["year"], number=options["number"])
            wanted = f"{options['year']}年第{options['number']}期"
        else:
            raise CommandError("请指定 --year 和 --number，或者 --total。")
        found = list(issues[:2])
        if not found:
            raise CommandError(f"找不到{wanted}。")
        if len(found) > 1:
            raise CommandError(f"{wanted}在多个刊物中都有，请用 --publication 指定刊名。")
        return found[0]
