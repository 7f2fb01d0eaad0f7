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
"""

from collections.abc import Callable

housekeeping: list[Callable[[], object]] = []
restore_checks: list[Callable[[str], None]] = []
