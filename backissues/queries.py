"""Reads of the back-issue import: does an issue of the same numbers exist already."""

from django.db.models import Q

from bulletin.models import Issue, Publication


def back_issue_clash(document, *, replace: bool) -> str | None:
    """Why a parsed back issue cannot be imported as it stands, or None.

    `document` is the parser's IssueDocument. Refused: an unknown publication; numbers that
    an issue assembled in the system holds (an import never touches those); an issue
    already imported, unless `replace`. The back-issue page shows this with the report,
    before the editor reaches the import button; import_back_issue checks it again under
    the publication lock.
    """
    publication = Publication.objects.filter(name=document.publication_name).first()
    if publication is None:
        return f"系统中没有名为“{document.publication_name}”的刊物，请先由管理员添加。"
    existing = list(
        Issue.objects.filter(publication=publication).filter(
            Q(year=document.year, number=document.number) | Q(total_number=document.total_number)
        )
    )
    label = f"{document.year}年第{document.number}期(总第{document.total_number}期)"
    if any(issue.origin == Issue.Origin.ASSEMBLED for issue in existing):
        return f"{label}的期号已被系统中编排的一期使用，导入不会改动它。"
    if existing and not replace:
        return f"{label}已经导入过。如需用这份文字覆盖，请选择“覆盖已导入的同一期”（命令行 --replace）。"
    return None
