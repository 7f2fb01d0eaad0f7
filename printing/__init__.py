"""Print rendering of an issue: document model, typography, fonts, HTML and PDF."""

from printing.document import ArticleItem, BriefItem, IssueDocument, Run, Section
from printing.render import render_html as _render_html
from printing.render import render_pdf as _render_pdf

__all__ = ["ArticleItem", "BriefItem", "IssueDocument", "Run", "Section", "render_html", "render_pdf"]


def render_html(document: IssueDocument, **kwargs) -> str:
    return _render_html(document, **kwargs)


def render_pdf(document: IssueDocument, **kwargs) -> bytes:
    return _render_pdf(document, **kwargs)
