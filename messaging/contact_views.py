"""单位联系人 pages: the list by unit, add, change, stop/restart. For 编辑 and 管理员."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Unit
from accounts.permissions import role_required
from messaging import queries
from messaging.actions import unit_contacts
from messaging.contact_forms import UnitContactActiveForm, UnitContactForm
from messaging.models import Channel, UnitContact
from messaging.permissions import can_manage_unit_contacts

contacts_desk = role_required(can_manage_unit_contacts)


@contacts_desk
def unit_contact_list(request):
    """Every active unit: its 报送员 accounts (how many), its contacts, whether it can be reached."""
    rows = queries.unit_contact_table()
    return render(
        request,
        "messaging/unit_contacts.html",
        {
            "rows": rows,
            "contact_channels": queries.contact_channels(),
            "unreachable": sum(1 for row in rows if not row.reachable),
        },
    )


def _save(request, form, write):
    """Run the action with the form's data; a refusal goes back on the form (nothing is lost)."""
    try:
        return write(**{k: v for k, v in form.cleaned_data.items() if k != "unit"})
    except ValidationError as error:
        for field, errors in error.update_error_dict({}).items():
            for message in errors:
                form.add_error(None if field == "__all__" else field, message)
    return None


@contacts_desk
def unit_contact_create(request, unit_pk: int):
    unit = get_object_or_404(Unit, pk=unit_pk, active=True)
    form = UnitContactForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        contact = _save(
            request,
            form,
            lambda **data: unit_contacts.create_unit_contact(actor=request.user, unit=unit, **data),
        )
        if contact is not None:
            messages.success(request, f"已添加{unit.short_name}的联系人{contact.name}。")
            _warn_if_unreachable(request, contact)
            return redirect(f"{_list_url()}#unit-{unit.pk}")
    return render(request, "messaging/unit_contact_form.html", {"form": form, "unit": unit, "contact": None})


@contacts_desk
def unit_contact_edit(request, pk: int):
    contact = get_object_or_404(UnitContact.objects.select_related("unit"), pk=pk)
    form = UnitContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request,
            form,
            lambda **data: unit_contacts.update_unit_contact(actor=request.user, contact=contact, **data),
        )
        if saved is not None:
            messages.success(request, f"已保存{contact.unit.short_name}的联系人{saved.name}。")
            _warn_if_unreachable(request, saved)
            return redirect(f"{_list_url()}#unit-{contact.unit_id}")
    return render(
        request, "messaging/unit_contact_form.html", {"form": form, "unit": contact.unit, "contact": contact}
    )


@contacts_desk
@require_POST
def unit_contact_active(request, pk: int):
    contact = get_object_or_404(UnitContact.objects.select_related("unit"), pk=pk)
    form = UnitContactActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请求无效，请刷新页面后重试。")
    else:
        active = form.cleaned_data["active"]
        unit_contacts.set_unit_contact_active(actor=request.user, contact=contact, active=active)
        messages.success(request, f"已{'启用' if active else '停用'}联系人{contact.name}。")
    return redirect(f"{_list_url()}#unit-{contact.unit_id}")


def _warn_if_unreachable(request, contact) -> None:
    if not queries.contact_is_reachable(contact):
        names = "、".join(dict(Channel.choices)[name] for name in queries.contact_channels()) or "无"
        messages.warning(
            request,
            f"注意：{contact.name}登记的联系方式所在的渠道本系统未开通（已开通：{names}），催报无法送达该联系人。",
        )


def _list_url() -> str:
    return reverse("unit_contacts")
