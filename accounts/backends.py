"""The password check for local accounts (本地账号)."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import Source


class LocalPasswordBackend(ModelBackend):
    """Django's ModelBackend, for local accounts only.

    An account that comes from a directory or an identity service (User.source other than
    local) signs in there and nowhere else: its local password is unusable, and even one
    set by mistake (an old password from before the account was linked, a reset) is never
    accepted here. So a person removed from the directory cannot come back through a stale
    local password. The same check drops such an account's session made by this backend.
    Permissions are unaffected (ModelBackend's permission methods do not ask this).
    """

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "source", Source.LOCAL) == Source.LOCAL
