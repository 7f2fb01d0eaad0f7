from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "稿件报送"

    def ready(self) -> None:
        # Imported here: the receiver and the actions use models, which are loaded only once
        # apps are ready.
        from accounts.signals import directory_account_conflict, login_attack_detected
        from service import hooks
        from submissions.actions.import_jobs import settle_stale_import_jobs
        from submissions.notifications import tell_admins_of_directory_conflict, tell_admins_of_login_attack
        from web.hooks import register

        login_attack_detected.connect(tell_admins_of_login_attack, dispatch_uid="submissions.login_attack")
        # The 管理员 resolves a directory sign-in refused for a same-named account.
        directory_account_conflict.connect(
            tell_admins_of_directory_conflict, dispatch_uid="submissions.directory_conflict"
        )
        # An import whose worker stopped while reading it is failed, freeing its owner's place.
        register(hooks.housekeeping, settle_stale_import_jobs)
