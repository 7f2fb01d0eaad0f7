"""Who runs a command on the server: the operating-system account (and the machine), for the
audit rows of ``manage.py`` commands, which have no signed-in user."""

import getpass
import os
import socket


def os_operator() -> str:
    """ "deploy@web1": the OS user running this process, and the host."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a bare container) and no LOGNAME
        name = f"uid{os.getuid()}"
    return f"{name}@{socket.gethostname()}"[:150]
