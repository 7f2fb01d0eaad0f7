"""manage.py axes_reset: django-axes's own command, recorded in the audit log."""

from axes.management.commands.axes_reset import Command as AxesCommand

from audit.server_commands import audited_unlock

Command = audited_unlock(AxesCommand, "axes_reset")
