"""The 帮助 pages: the 用户手册 in docs/manual/, for every signed-in role (ADR 0007)."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from manual.rendering import INDEX, MANUALS, is_image_name, render_file


def manual_dir() -> Path:
    return Path(settings.BULLETIN_MANUAL_DIR)


def _page(request, name: str):
    path = manual_dir() / f"{name}.md"
    if not path.is_file():
        raise Http404("没有这一册手册。")
    manual = render_file(path)
    context = {"manual": manual, "current": name, "manuals": MANUALS}
    return render(request, "manual/page.html", context)


@require_safe
@login_required
def help_index(request):
    return _page(request, INDEX)


@require_safe
@login_required
def help_page(request, role: str):
    if role not in MANUALS:
        raise Http404("没有这一册手册。")
    return _page(request, role)


@require_safe
@login_required
def help_image(request, name: str):
    """A screenshot from docs/manual/images/, and nothing else: the name is one plain file
    name (letters, digits, - and _, ending .png), so no path can climb out of the folder."""
    folder = manual_dir() / "images"
    if not is_image_name(name):
        raise Http404("没有这张图片。")
    path = folder / name
    if path.parent != folder or not path.is_file():
        raise Http404("没有这张图片。")
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
