"""Start the test OpenID Connect provider in a process of its own (run.py) and stop it."""

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.paths import ROOT


@dataclass(frozen=True)
class Provider:
    url: str  # http://127.0.0.1:<port>
    client_id: str
    client_secret: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def settings(self) -> dict:
        """Our settings for signing in at this provider."""
        return {
            "BULLETIN_OIDC_ISSUER": self.issuer,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/.well-known/jwks.json",
        }


@contextmanager
def running_provider(folder: Path, people: list[dict], redirect_uris: list[str]) -> Iterator[Provider]:
    """The provider serving `people` ({"username", "password", "claims"}) on a free port,
    with its SQLite file in `folder`; terminated when the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    people_file = folder / "people.json"
    people_file.write_text(json.dumps(people, ensure_ascii=False), encoding="utf-8")
    config = {
        "database": str(folder / "provider.sqlite3"),
        "people": str(people_file),
        "client_id": "hzrd-bulletin",
        "client_secret": "provider-test-secret-0f3a9c",
        "redirect_uris": redirect_uris,
    }
    config_file = folder / "config.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.oidc_provider.run", str(config_file)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("READY "):
            process.kill()
            raise RuntimeError(f"the OIDC provider did not start: {line}{process.stdout.read()}")
        port = int(line.split()[1])
        yield Provider(
            url=f"http://127.0.0.1:{port}",
            client_id=config["client_id"],
            client_secret=config["client_secret"],
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
