from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "稿件报送"

    def ready(self) -> None:
        # Imported here: the receiver uses models, which are loaded only once apps are ready.
        from accounts.signals import login_attack_detected
        from submissions.notifications import tell_admins_of_login_attack

        login_attack_detected.connect(tell_admins_of_login_attack, dispatch_uid="submissions.login_attack")
