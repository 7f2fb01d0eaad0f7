"""Page panels: parts of a lower app's page that an app above it contributes.

A page names a slot ("unit_home", "review_side") and renders whatever the apps above have
registered for it, in the order they registered (``AppConfig.ready()``, so INSTALLED_APPS
order). A panel is a function ``(request, **context) -> str``: HTML (usually a rendered
template, already safe) or "" to show nothing. So the unit desk shows the 报送任务 card of
the assessment app without importing it — the way Wagtail's hooks add panels to its pages.
"""

from collections import defaultdict
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from web import hooks

Panel = Callable[..., str]

_panels: dict[str, list[Panel]] = defaultdict(list)


def register(slot: str, panel: Panel) -> None:
    """Show `panel` in `slot` (once, however often ready() runs)."""
    hooks.register(_panels[slot], panel)


def render(slot: str, request: HttpRequest, **context) -> list[SafeString]:
    """The HTML of every panel registered for `slot`, leaving out the empty ones."""
    shown = (panel(request, **context) for panel in _panels[slot])
    return [mark_safe(html) for html in shown if html]
