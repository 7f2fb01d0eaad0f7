"""The 帮助 link of the navbar: the signed-in person's own manual."""

from django.urls import reverse

from manual.rendering import MANUALS


def help_link(request) -> dict:
    """`help_url`: the signed-in person's own manual, for the navigation bar's 帮助."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = getattr(user, "role", "")
    return {"help_url": reverse("help_page", args=[role]) if role in MANUALS else reverse("help_index")}
