"""The deployment files of deploy/: what gunicorn makes of its configuration."""

import datetime
import re
import runpy

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
