"""Start the test OpenID Connect provider: ``python -m tests.servers.oidc_provider.run CONFIG``.

CONFIG is a JSON file: {"database": path, "people": path, "client_id", "client_secret",
"redirect_uris": [...]}; the people file is a list of {"username", "password", "claims"}.
The process migrates its database, makes the people and one confidential client (RS256,
no consent page), listens on a free port of 127.0.0.1, prints "READY <port>" and serves
until it is terminated.
"""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the standard library's name)
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main(config_path: str) -> None:
    with open(config_path, encoding="utf-8") as source:
        config = json.load(source)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.servers.oidc_provider.settings"
    os.environ["OIDC_PROVIDER_DB"] = config["database"]
    os.environ["OIDC_PROVIDER_PEOPLE"] = config["people"]

    import django  # noqa: PLC0415 (the settings module is chosen above, before Django loads)

    django.setup()
    from django.contrib.auth.models import User  # noqa: PLC0415 (models load after setup())
    from django.core.management import call_command  # noqa: PLC0415 (after setup())
    from django.core.wsgi import get_wsgi_application  # noqa: PLC0415 (after setup())
    from oauth2_provider.models import Application  # noqa: PLC0415 (models load after setup())

    call_command("migrate", verbosity=0)
    with open(config["people"], encoding="utf-8") as source:
        for person in json.load(source):
            User.objects.create_user(person["username"], password=person["password"])
    Application.objects.create(
        name="杭州人大信息（测试）",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=ThreadingServer, handler_class=QuietHandler
    )
    print(f"READY {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
