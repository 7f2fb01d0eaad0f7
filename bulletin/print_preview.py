"""The screen preview (预览) of an issue and the print fonts it loads from the app.

The preview is the print HTML (printing/) with every face loaded from
``print_font`` instead of file:// URLs a browser cannot open, so an editor reading on
screen sees the print faces, the real bold and the 156 mm text block.
"""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.permissions import role_required
from bulletin.permissions import can_assemble_issues
from printing.checks import CheckReport
from printing.document import IssueDocument
from printing.fonts import Face, font_set
from printing.render import render_preview_html
from printing.verify import PdfCheck

FONT_TYPES = {".otf": "font/otf", ".ttf": "font/ttf", ".ttc": "font/collection", ".otc": "font/collection"}


def font_url(face: Face) -> str:
    """The app's URL of a face's file; the file's size and mtime make a changed file a new URL."""
    stat = face.path.stat()
    return f"{reverse('print_font', args=[face.key])}?v={int(stat.st_mtime)}-{stat.st_size}"


def preview_html(document: IssueDocument, pdf_check: PdfCheck | None = None) -> tuple[str, CheckReport]:
    """The screen preview HTML of a document and its check report; ``pdf_check``: what
    the verifier read on the draft's rendered PDF (bulletin.renders.pdf_check)."""
    return render_preview_html(document, font_url=font_url, pdf_check=pdf_check)


@require_GET
@role_required(can_assemble_issues)
def print_font(request, key: str):
    """One face of the current print font set (the preview's @font-face source).

    Only the faces the renderer uses are served, by key; licensed faces only to the
    editors who preview, never to the public.
    """
    face = font_set().face_by_key(key)
    if face is None or not face.path.is_file():
        raise Http404("没有这个字体。")
    content_type = FONT_TYPES.get(face.path.suffix.lower()) or mimetypes.guess_type(face.path.name)[0]
    response = FileResponse(face.path.open("rb"), content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
