from django.conf import settings


def session_timing(request) -> dict:
    """What static/js/autosave.js needs to know of the session, rendered onto <body>."""
    return {
        "session_timing": {
            "idle_seconds": settings.SESSION_COOKIE_AGE,
            "warning_seconds": settings.BULLETIN_SESSION_WARNING_SECONDS,
            "autosave_seconds": settings.BULLETIN_AUTOSAVE_SECONDS,
        }
    }
