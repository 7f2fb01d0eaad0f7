"""A minimal OpenID Connect provider (django-oauth-toolkit) that the single sign-on tests
start in a process of its own: a Django project apart from ours, with its own SQLite file.
``python -m tests.servers.oidc_provider.run`` (see run.py); tests/accounts/test_sso_oidc.py."""
