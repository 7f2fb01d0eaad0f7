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


# --- row marks ----------------------------------------------------------------------------

# A row mark is a function ``(request, *, items) -> {item pk: html}``: one call for the whole
# list (so it reads what it needs for all rows at once and the page's query count does not
# grow with its rows), a short HTML mark for the rows it has something to say about.
RowMarks = Callable[..., dict[int, str]]

_row_marks: dict[str, list[RowMarks]] = defaultdict(list)


def register_row_marks(slot: str, marks: RowMarks) -> None:
    """Show `marks` on the rows of the list named `slot` (once, however often ready() runs)."""
    hooks.register(_row_marks[slot], marks)


def row_marks(slot: str, request: HttpRequest, items: list) -> dict[int, list[SafeString]]:
    """{item pk: [HTML mark, …]} from every function registered for `slot`."""
    out: dict[int, list[SafeString]] = defaultdict(list)
    for marks in _row_marks[slot]:
        for pk, html in marks(request, items=items).items():
            if html:
                out[pk].append(mark_safe(html))
    return dict(out)
