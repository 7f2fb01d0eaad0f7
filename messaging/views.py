"""The 通知方式 page: every signed-in person chooses how they are told, and sees what was sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from messaging import queries
from messaging.actions.preferences import change_notification_settings
from messaging.forms import NotificationSettingsForm

# What a channel needs before it can be chosen, for the hint beside a greyed-out box.
MISSING_ADDRESS = {
    "email": "账号未登记电子邮箱，请联系管理员",
    "sms": "请先填写手机号码",
    "zzd": "请先填写浙政钉账号 ID",
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request):
    user = request.user
    user.contact_details = details = queries.contact_details(user)
    rows = queries.kind_rows(user)
    offers = queries.channel_offers(user)
    for offer in offers:
        offer.hint = "" if offer.address else MISSING_ADDRESS.get(offer.name, "没有可用的地址")
    initial = {
        "mobile": details.mobile,
        "zzd_account_id": details.zzd_account_id,
        "daily_digest": details.daily_digest,
    }
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial, rows=rows, offers=offers
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                change_notification_settings(
                    actor=user,
                    user=user,
                    mobile=form.cleaned_data["mobile"],
                    zzd_account_id=form.cleaned_data["zzd_account_id"],
                    daily_digest=form.cleaned_data["daily_digest"],
                    choices=form.choices(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "通知方式已保存。")
                return redirect("notification_settings")
    context = {
        "form": form,
        "offers": offers,
        "deliveries": queries.recent_deliveries(user),
    }
    return render(request, "messaging/notification_settings.html", context)
