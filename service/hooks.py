"""What the apps above the service layer ask it to run; they register in AppConfig.ready().

The service layer (worker, backup) imports no app above it, so the work that belongs to
those apps reaches it here:

``housekeeping``
    Callables without arguments, run on every worker heartbeat (``HEARTBEAT_SECONDS``) on
    the housekeeper thread's own database connection. Each must be quick; an exception is
    logged and the call is tried again on the next beat.
``restore_checks``
    Callables taking the database alias, run after a restore has put every row and file
    back and the manifest's counts and SHA-256s agreed. Each raises ``BackupError`` (Chinese
    message) to report what the restored data lacks.
``commands_run``
    Callables taking keyword arguments ``command`` ("backup", "restore"), ``ok`` (bool),
    ``message`` (Chinese) and ``details`` (a JSON-able dict), run when a server command of
    this layer has finished or failed; the audit app records them.
"""

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

housekeeping: list[Callable[[], object]] = []
restore_checks: list[Callable[[str], None]] = []
commands_run: list[Callable[..., None]] = []


def report_command(*, command: str, ok: bool, message: str, details: dict | None = None) -> None:
    for hook in commands_run:
        try:
            hook(command=command, ok=ok, message=message, details=details or {})
        except Exception:  # a report must not hide the command's own outcome
            log.exception("无法记录服务器命令 %s", command)
