"""Commands run on the server, in the audit log with the operator's OS user: backup and
restore (reported by the service layer through service.hooks.commands_run) and the unlocks
of django-axes (``axes_reset*``, wrapped by this app's commands of the same names)."""

from django.core.management.base import BaseCommand

from audit.operators import os_operator
from audit.records import Kind, record

KINDS = {"backup": Kind.BACKUP, "restore": Kind.RESTORE}
UNLOCKS = {
    "axes_reset": "解除全部登录锁定并清除失败记录",
    "axes_reset_ip": "解除地址的登录锁定",
    "axes_reset_username": "解除账号的登录锁定",
    "axes_reset_ip_username": "解除账号在某地址的登录锁定",
    "axes_reset_failure_logs": "清除登录失败记录",
    "axes_reset_logs": "清除登录记录",
}


def record_server_command(*, command: str, ok: bool, message: str, details: dict | None = None) -> None:
    """One row for a command the service layer ran (a hook of service.hooks.commands_run)."""
    operator = os_operator()
    record(
        KINDS.get(command, Kind.BACKUP),
        actor_name=operator,
        label=command,
        after={"command": command, "ok": ok, **(details or {})},
        message=f"{'' if ok else '失败：'}{message}（服务器命令 manage.py {command}，操作系统用户 {operator}）",
    )


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def audited_unlock(axes_command: type[BaseCommand], name: str) -> type[BaseCommand]:
    """django-axes's command `name`, recording what it was asked to unlock once it has run."""

    class Command(axes_command):
        help = f"{UNLOCKS[name]}（django-axes 的 {name}，并记入审计日志）"

        def handle(self, *args, **options):
            result = super().handle(*args, **options)
            asked = {k: options[k] for k in ("ip", "username", "age") if options.get(k)}
            names = [v for k in ("username", "ip") for v in _as_list(asked.get(k))]
            operator = os_operator()
            record(
                Kind.LOGIN_UNLOCKED,
                actor_name=operator,
                label="、".join(names)[:200],
                after={"command": name, **asked},
                message=f"{UNLOCKS[name]}（服务器命令 manage.py {name}，操作系统用户 {operator}）",
            )
            return result

    return Command
