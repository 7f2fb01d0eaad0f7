"""Which unit a back-issue item belongs to, from its byline office or its opening words."""

from accounts.models import Unit


def unit_for(byline_org: str, text: str = "") -> Unit | None:
    """The unit the byline names ("西湖区人大常委会办公室" → 西湖区, "法工委" → 法工委);
    for a brief without a byline, the unit its text begins with. None if nothing matches."""
    units = sorted(Unit.objects.all(), key=lambda u: -len(u.short_name))
    org = (byline_org or "").strip()
    for unit in units:
        if unit.kind == Unit.Kind.COMMITTEE and org in (unit.short_name, unit.name):
            return unit
    for candidate in (org, (text or "").strip()):
        for unit in units:
            if unit.kind == Unit.Kind.DISTRICT and candidate.startswith(unit.short_name):
                return unit
    for unit in units:
        if unit.kind == Unit.Kind.COMMITTEE and org.endswith(unit.short_name):
            return unit
    return None
