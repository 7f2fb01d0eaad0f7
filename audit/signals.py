"""Events Django announces only by signal: logins, logouts and every change made in the
admin (LogEntry). Failed logins and lockouts are recorded by the accounts app, which knows
the lockout policy (accounts.receivers, accounts.logins)."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.records import Kind, record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    # How the person signed in (a local password, a directory, an identity service): the
    # authentication backend django.contrib.auth.authenticate() left on the user.
    backend = getattr(user, "backend", None)
    record(Kind.LOGIN, actor=user, obj=user, request=request, after={"backend": backend} if backend else None)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.LOGOUT, actor=user, obj=user, request=request)


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_change")
def _admin_change(sender, instance: LogEntry, created: bool, **kwargs):
    if not created:
        return
    verb = {1: "新增", 2: "修改", 3: "删除"}.get(instance.action_flag, "操作")
    model = instance.content_type.model_class() if instance.content_type_id else None
    record(
        Kind.ADMIN_CHANGE,
        actor=instance.user,
        object_type=model._meta.label_lower if model else "",
        object_id=instance.object_id or "",
        label=instance.object_repr[:200],
        after={"action": verb, "change": instance.get_change_message()},
        message=f"后台{verb}{model._meta.verbose_name if model else ''}：{instance.get_change_message()}",
    )
