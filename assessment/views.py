"""信息工作考核 pages: the ranking for editors, a unit's own page for contributors, exports."""

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Unit
from accounts.permissions import can_view_unit_desk, role_required
from assessment import charts, exports
from assessment.actions import higher_adoptions, instructions, quotas
from assessment.forms import (
    HigherAdoptionForm,
    HigherAdoptionRemoveForm,
    InstructionForm,
    QuotaForm,
    QuotaMonthForm,
    StatsPeriodForm,
)
from assessment.models import HigherAdoption, Quota
from assessment.periods import Period
from assessment.quotas import progress_table
from assessment.reminders import quota_causes
from assessment.stats import monthly_adoptions, unit_report
from audit.records import Kind, record
from bulletin import queries
from bulletin.actions import common
from bulletin.permissions import editor_only
from submissions import queries as submission_queries
from submissions.models import Submission
from submissions.permissions import get_visible_submission
from web.forms import parse_id


def _period(request) -> tuple[StatsPeriodForm, Period]:
    data = request.GET if "kind" in request.GET else {"kind": "year", "year": timezone.localdate().year}
    form = StatsPeriodForm(data)
    if form.is_valid():
        return form, form.period()
    return form, Period.year(timezone.localdate().year)


def _context(request, report, trend_unit):
    return {
        "report": report,
        "bars": charts.bars_by_unit(
            [(row.unit.short_name, row.points) for row in report.rows if row.points or row.submitted],
            title=f"{report.period.label} 各单位得分",
        ),
        "trend_unit": trend_unit,
        "trend": charts.monthly_trend(
            monthly_adoptions(trend_unit, report.period), title=f"{trend_unit.short_name} 每月采用篇数"
        )
        if trend_unit
        else "",
        "query": request.GET.urlencode(),
    }


@editor_only
def stats_page(request):
    form, period = _period(request)
    report = unit_report(period, **form.report_options())
    trend_unit = Unit.objects.filter(pk=parse_id(request.GET.get("unit"))).first() or (
        report.rows[0].unit if report.rows else None
    )
    context = _context(request, report, trend_unit)
    context.update({"form": form, "units": Unit.objects.filter(active=True)})
    return render(request, "assessment/stats.html", context)


@editor_only
def stats_export(request, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise Http404("只能导出 xlsx 或 csv。")
    form, period = _period(request)
    report = unit_report(period, **form.report_options())
    name = f"信息工作考核-{period.label}"
    record(
        Kind.STATS_EXPORTED, actor=request.user, label=name, after={"format": fmt, "rows": len(report.rows)}
    )
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.to_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.{fmt}"
    return response


@role_required(can_view_unit_desk)
def unit_stats(request):
    """A unit's own figures and rank; the ranking shows other units' figures, never their pieces."""
    form, period = _period(request)
    unit = request.user.unit
    options = form.report_options()
    options.pop("signer")  # a unit's page always counts all its pieces
    report = unit_report(period, **options)
    own = next((row for row in report.rows if row.unit.pk == unit.pk), None)
    pieces = (
        Submission.objects.filter(
            unit=unit,
            status=Submission.Status.PUBLISHED,
            placement__issue__date__range=(period.start, period.end),
        )
        .select_related("placement__issue", "placement__section")
        .order_by("-placement__issue__date", "placement__position")
    )
    # Titles as printed (the frozen snapshot), not as the piece reads after a later edit.
    titles = queries.printed_titles(piece.placement.issue_id for piece in pieces)
    context = _context(request, report, unit)
    # The same trend drawn narrow, with larger type, for phones (the page shows one or the other).
    context["trend_narrow"] = charts.monthly_trend(
        monthly_adoptions(unit, report.period),
        title=f"{unit.short_name} 每月采用篇数（月）",
        width=420,
        height=240,
        font_size=16,
        short_labels=True,
    )
    context.update(
        {
            "form": form,
            "own": own,
            "pieces": [(piece, titles.get(piece.pk, piece.title)) for piece in pieces],
            "unit": unit,
        }
    )
    return render(request, "assessment/unit_stats.html", context)


@editor_only
@require_POST
def instruction_add(request, pk: int):
    piece = get_visible_submission(request.user, pk)
    form = InstructionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            instructions.record_instruction(actor=request.user, submission=piece, **form.cleaned_data)
        except common.IssueActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "批示已记录，计入该单位得分。")
    return redirect("review_detail", pk=pk)


@editor_only
def quota_page(request):
    """报送任务: the rules, and 应报 / 已报 / 差额 per unit for a month (and its quarter)."""
    today = timezone.localdate()
    month_form = QuotaMonthForm(request.GET or None)
    day = month_form.day(today)
    form = QuotaForm(request.POST or None, initial={"starts": today.replace(day=1)})
    if request.method == "POST" and form.is_valid():
        try:
            quotas.set_quota(actor=request.user, **form.cleaned_data)
        except common.IssueActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "报送任务已设置。")
            return redirect("quota_page")
    rows = progress_table(day, today=today)
    last = submission_queries.last_reminders([p.unit.pk for p in rows], quota_causes(rows))
    return render(
        request,
        "assessment/quotas.html",
        {
            "form": form,
            "month_form": month_form,
            "day": day,
            # Each unit's progress and the last 报送任务 reminder it was sent (who, by what).
            "rows": [(p, last.get(p.unit.pk)) for p in rows],
            "rules": Quota.objects.select_related("unit", "created_by"),
            "today": today,
        },
    )


@editor_only
@require_POST
def quota_end(request, pk: int):
    quota = get_object_or_404(Quota, pk=pk)
    try:
        ended = quotas.end_quota(actor=request.user, quota=quota)
    except common.IssueActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"报送任务将于{ended.ends.year}年{ended.ends.month}月{ended.ends.day}日结束。"
            if ended
            else "尚未开始的报送任务已删除。",
        )
    return redirect("quota_page")


@editor_only
@require_POST
def higher_adoption_add(request, pk: int):
    piece = get_visible_submission(request.user, pk)
    form = HigherAdoptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            higher_adoptions.record_higher_adoption(actor=request.user, submission=piece, **form.cleaned_data)
        except common.IssueActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "上级采用已记录，计入该单位得分。")
    return redirect("review_detail", pk=pk)


@editor_only
@require_POST
def higher_adoption_remove(request, pk: int):
    adoption = get_object_or_404(HigherAdoption, pk=pk)
    form = HigherAdoptionRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            higher_adoptions.remove_higher_adoption(
                actor=request.user, adoption=adoption, **form.cleaned_data
            )
        except common.IssueActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "上级采用记录已删除，该单位得分相应调整。")
    return redirect(reverse("review_detail", args=[adoption.submission_id]) + "#higher")
