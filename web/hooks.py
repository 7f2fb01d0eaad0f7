"""Hook lists: what an app above registers, in AppConfig.ready(), for a layer below to run.

A hook list is a plain list of callables owned by the module that runs it (the worker's
``service.hooks.housekeeping``, the daily ``submissions.reminders.sources``, a page slot of
``web.panels``); ``register`` adds to one.
"""

from collections.abc import Callable


def register(hooks: list, function: Callable) -> None:
    """Add `function` to `hooks` once (ready() may run more than once in one process)."""
    if function not in hooks:
        hooks.append(function)
