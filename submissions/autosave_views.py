"""The piece editor saving itself while someone types (static/js/autosave.js).

The same form, the same rights and the same conflict handling as the 保存草稿 / 保存修改
button (submissions.views.piece_edit and review_detail); the answer is JSON, never a
redirect, so a page whose session has ended is told so instead of being sent to the login.
"""

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can_use_unit_desk
from submissions import permissions
from submissions.actions import common, pieces
from submissions.forms import PieceForm


def _may_save(user, piece) -> bool:
    """Whoever the save button would let save: the unit's writer on a draft or returned
    piece (piece_edit), or an editor on a piece at the editor's desk (review_detail)."""
    if permissions.can_edit_as_editor(user, piece):
        return True
    return can_use_unit_desk(user) and permissions.can_edit_as_contributor(user, piece)


@never_cache
@require_POST
def piece_autosave(request, pk: int):
    if not request.user.is_authenticated:
        return JsonResponse({"message": "登录已超时，未能自动保存；内容仍暂存在本浏览器中。"}, status=401)
    piece = permissions.get_visible_submission(request.user, pk)
    if not _may_save(request.user, piece):
        return JsonResponse(
            {"message": f"稿件当前状态为“{piece.get_status_display()}”，不能修改，未自动保存。"}, status=403
        )
    form = PieceForm(request.POST, instance=piece, initial={"version": piece.version})
    if not form.is_valid():
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return JsonResponse({"message": f"未自动保存：{problems}"}, status=400)
    try:
        saved = pieces.autosave_text(
            actor=request.user,
            submission=piece,
            expected_version=form.cleaned_data.get("version") or 0,
            **form.text_fields(),
        )
    except common.EditConflict:
        return JsonResponse(
            {
                "conflict": True,
                "message": "未自动保存：这篇稿件已被他人修改。请点保存按钮，对照最新稿采用您的文字。",
            },
            status=409,
        )
    except common.SubmissionActionError as error:
        return JsonResponse({"message": f"未自动保存：{error}"}, status=400)
    return JsonResponse({"version": saved.version, "saved_at": timezone.localtime().strftime("%H:%M")})
