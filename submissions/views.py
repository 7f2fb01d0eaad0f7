from django.shortcuts import render

from accounts.permissions import can_use_unit_desk, role_required

from . import queries


@role_required(can_use_unit_desk)
def unit_home(request):
    unit = request.user.unit
    pieces = queries.for_unit(unit)
    return render(
        request,
        "submissions/unit_home.html",
        {"unit": unit, "pieces": pieces, "status_counts": queries.status_counts(pieces)},
    )
