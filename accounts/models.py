from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Unit(models.Model):
    """报送单位: a district people's congress standing committee or a municipal committee."""

    class Kind(models.TextChoices):
        DISTRICT = "district", "区、县（市）人大常委会"
        COMMITTEE = "committee", "市人大常委会工作机构"

    name = models.CharField("单位名称", max_length=64, unique=True)
    short_name = models.CharField("简称", max_length=16, unique=True, help_text="如：西湖区、法工委")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    office_name = models.CharField(
        "署名单位", max_length=64, help_text="稿件署名默认使用的名称，如：西湖区人大常委会办公室"
    )
    position = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "报送单位"
        verbose_name_plural = "报送单位"
        ordering = ["kind", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CONTRIBUTOR = "contributor", "报送员"
    # 审核人: a leader of one unit who signs off (签发) its pieces before they reach the editor.
    REVIEWER = "reviewer", "审核人"
    EDITOR = "editor", "编辑"
    READER = "reader", "读者"
    ADMIN = "admin", "管理员"
    # Reads the audit log and nothing else; the 管理员 who manages accounts cannot (三权分立).
    AUDITOR = "auditor", "审计员"


class AccountManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` makes a 管理员, the only role that may use the admin site.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


UNIT_ROLES = (Role.CONTRIBUTOR, Role.REVIEWER)


class Source(models.TextChoices):
    """Where an account's identity comes from, and so how its owner signs in. Only a local
    account has a password here; the others sign in through their source, and a local
    password on them is never accepted (accounts.backends.LocalPasswordBackend)."""

    LOCAL = "local", "本地账号"
    LDAP = "ldap", "目录账号（LDAP/AD）"
    OIDC = "oidc", "统一身份认证（OIDC）"
    ZZD = "zzd", "浙政钉"


class User(AbstractUser):
    """An account. A 报送员 or a 审核人 belongs to exactly one unit; the other roles to none."""

    full_name = models.CharField("姓名", max_length=32, blank=True)
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.READER)
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="仅报送员和审核人需要，且必须填写。",
    )
    phone = models.CharField("联系电话", max_length=32, blank=True)
    # Set when a 管理员 creates the account or resets its password: the person chooses
    # their own at the next login before doing anything else.
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    source = models.CharField(
        "账号来源",
        max_length=8,
        choices=Source.choices,
        default=Source.LOCAL,
        help_text="目录或统一身份认证的账号由其来源管理姓名、角色和密码，不能用本地密码登录。",
    )

    objects = AccountManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="unit_roles_have_exactly_one_unit",
                condition=(Q(role__in=UNIT_ROLES) & Q(unit__isnull=False))
                | (~Q(role__in=UNIT_ROLES) & Q(unit__isnull=True)),
                violation_error_message="报送员和审核人必须属于一个报送单位，其他角色不属于任何单位。",
            ),
            # 三员 separation at the database: the admin flags follow the role and nothing
            # else (accounts.actions sets them), so a 审计员 is never a superuser.
            models.CheckConstraint(
                name="only_admins_are_superusers",
                condition=Q(is_superuser=False) | Q(role=Role.ADMIN),
                violation_error_message="只有管理员可以是超级用户。",
            ),
            models.CheckConstraint(
                name="only_admins_and_auditors_are_staff",
                condition=Q(is_staff=False) | Q(role__in=(Role.ADMIN, Role.AUDITOR)),
                violation_error_message="只有管理员和审计员可以进入管理后台。",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        # The admin header greets the person by name (not the user name in capitals).
        return self.display_name

    @property
    def is_contributor(self) -> bool:
        return self.role == Role.CONTRIBUTOR

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def is_editor(self) -> bool:
        return self.role == Role.EDITOR

    @property
    def is_reader(self) -> bool:
        return self.role == Role.READER

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR

    # Separation of duties for the audit log (the audit app asks through these, knowing no
    # roles): the 审计员 alone may read it — not even a superuser 管理员 — and nobody may
    # add, change or delete a row through Django's permissions (audit.records writes it).
    # The 审计员 has no other right, whatever groups or permissions an account is given.
    def has_perm(self, perm: str, obj=None) -> bool:
        if perm.split(".", 1)[0] == "audit":
            return perm == "audit.view_auditentry" and self.is_active and self.is_auditor
        if self.is_auditor:
            return False
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if app_label == "audit":
            return self.is_active and self.is_auditor
        if self.is_auditor:
            return False
        return super().has_module_perms(app_label)


class KnownAddress(models.Model):
    """An address the account has signed in from (a correct password, not locked out).

    From a known address only the account's own failures there can lock it out or slow it
    down; what strangers do from other addresses, or to other accounts from this one, does
    not (accounts.lockout).
    """

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="known_addresses"
    )
    address = models.GenericIPAddressField("地址")
    first_seen = models.DateTimeField("首次登录", default=timezone.now)
    last_seen = models.DateTimeField("最近登录", default=timezone.now)

    class Meta:
        verbose_name = "常用登录地址"
        verbose_name_plural = "常用登录地址"
        ordering = ["user", "-last_seen"]
        constraints = [models.UniqueConstraint(fields=["user", "address"], name="one_known_address_row")]

    def __str__(self) -> str:
        return f"{self.user.username} @ {self.address}"


class RefusedLogins(models.Model):
    """Login attempts refused before the password was checked — during a lock or a delay —
    counted for one (user name, address) instead of one audit row each, so that nobody can
    grow the audit log without bound. One open counter per pair; accounts.logins writes
    one summary row to the audit log when the refusals stop and closes it."""

    username = models.CharField("所填用户名", max_length=150)
    address = models.CharField("地址", max_length=45, blank=True)
    first_at = models.DateTimeField("首次", default=timezone.now)
    last_at = models.DateTimeField("最近", default=timezone.now, db_index=True)
    count = models.PositiveIntegerField("被拒次数", default=0)
    summarized_at = models.DateTimeField("已汇总入审计日志", null=True, blank=True)

    class Meta:
        verbose_name = "被拒登录计数"
        verbose_name_plural = "被拒登录计数"
        ordering = ["-last_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["username", "address"],
                condition=Q(summarized_at__isnull=True),
                name="one_open_refusal_counter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.address or '?'}：{self.count}"


class LoginAlert(models.Model):
    """When the administrators were last told that an account is under attack: at most once
    per BULLETIN_LOGIN_ALERT_HOURS for one account."""

    user = models.OneToOneField(User, verbose_name="用户", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField("最近告警")

    class Meta:
        verbose_name = "登录攻击告警"
        verbose_name_plural = "登录攻击告警"

    def __str__(self) -> str:
        return f"{self.user.username} {self.sent_at:%Y-%m-%d %H:%M}"
