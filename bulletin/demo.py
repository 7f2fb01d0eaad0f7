"""Demo accounts for trying the system (`manage.py load_demo`, run by `make run`)."""

from dataclasses import dataclass

from django.db import transaction

from accounts.actions import change_role, create_account, reset_password
from accounts.models import Role, Unit, User

DEMO_PASSWORD = "hzrd2024"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_short_name: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("bianji", "杨青青", Role.EDITOR),
    DemoAccount("xihu", "钱苏晚", Role.CONTRIBUTOR, "西湖区"),
    DemoAccount("xiaoshan", "邵羽晨", Role.CONTRIBUTOR, "萧山区"),
    DemoAccount("duzhe", "陈思远", Role.READER),
    DemoAccount("guanli", "周建国", Role.ADMIN),
]


@transaction.atomic
def load_demo_accounts() -> list[User]:
    """Create the demo accounts, or reset them to their demo role and password."""
    users = []
    for account in DEMO_ACCOUNTS:
        unit = Unit.objects.get(short_name=account.unit_short_name) if account.unit_short_name else None
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = create_account(
                actor=None,
                username=account.username,
                password=DEMO_PASSWORD,
                role=account.role,
                full_name=account.full_name,
                unit=unit,
            )
        else:
            change_role(actor=None, user=user, role=account.role, unit=unit)
            reset_password(actor=None, user=user, password=DEMO_PASSWORD)
        users.append(user)
    return users
