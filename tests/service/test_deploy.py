"""The deployment files of deploy/: what gunicorn makes of its configuration."""

import datetime
import re
import runpy
from pathlib import Path

from django.conf import settings
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms


def test_the_access_log_line_has_one_pair_of_brackets_around_the_time():
    """gunicorn's %(t)s already reads [01/Dec/2026:08:39:00 +0800]; log readers (goaccess,
    fail2ban) expect the common log format, not [[…]]."""
    conf = runpy.run_path(str(settings.BASE_DIR / "deploy" / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("access_log_format", conf["access_log_format"])
    logger = Logger(cfg)

    class Response:
        status = "200 OK"
        headers = []
        sent = 1234
        response_length = 1234

    class Request:
        headers = [("X-FORWARDED-FOR", "10.0.0.9")]
        method = "GET"
        path = "/archive/"
        query = ""
        version = (1, 1)
        uri = "/archive/"

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/archive/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "Mozilla/5.0",
        "QUERY_STRING": "",
        "PATH_INFO": "/archive/",
    }
    atoms = logger.atoms(Response(), Request(), environ, datetime.timedelta(milliseconds=12))
    line = cfg.access_log_format % SafeAtoms(atoms)
    assert re.search(r"(?<!\[)\[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\](?!\])", line), line
    assert '"GET /archive/ HTTP/1.1" 200 1234' in line and "10.0.0.9" in line


def test_the_nginx_site_passes_nginx_t(tmp_path):
    """deploy/nginx/bulletin.conf as Debian's nginx reads it (1.22 in bookworm: no
    `http2 on;`, which came with 1.25.1). Certificates and log paths are moved to tmp."""
    import shutil
    import subprocess

    import pytest

    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    ssl = tmp_path / "ssl"
    ssl.mkdir()
    made = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=bulletin",
            "-keyout",
            ssl / "privkey.pem",
            "-out",
            ssl / "fullchain.pem",
        ],
        capture_output=True,
    )
    assert made.returncode == 0, made.stderr
    site = (settings.BASE_DIR / "deploy" / "nginx" / "bulletin.conf").read_text()
    site = site.replace("/etc/ssl/bulletin/", f"{ssl}/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )
    checked = subprocess.run(
        [nginx, "-t", "-c", tmp_path / "nginx.conf", "-p", tmp_path], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
