"""A GET changes nothing: every URL pattern of the project, requested by GET as every role
with real ids, writes no row of the project's own data (the session, the audit log and the
queue of derived renders aside)."""

import itertools
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.config import test_no_500 as crawl
from tests.config.test_no_500 import build, param_names, real_values, url_patterns

pytestmark = pytest.mark.django_db

world = crawl.world  # the no-500 walk's real objects, one of each kind an id names

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
# Tables (or, ending in "_", table prefixes) a GET may write, and why: not state the user changes.
ALLOWED = {
    "django_session": "the session itself (CSRF token, messages)",
    "audit_": "the audit log (and its tallies) records reads: downloads, refused requests",
    "django_tasks_db_dbtaskresult": "a derived draft render asked for by the preview (a cache)",
    "bulletin_draftrender": "the derived draft render's row (a cache)",
    "bulletin_publishjob": "a job whose worker is gone is settled to its true outcome (read repair)",
    "proofreading_fingerprint": "the 查重 index, derived from the pieces' text (a cache)",
}


def test_no_get_writes(world):
    ids, users = world["ids"], world["users"]
    writes: list[str] = []
    requests = 0
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for parts, url_name in url_patterns():
            if str(parts[0]) == "admin/" or url_name in ("logout",):
                continue
            names = param_names(parts)
            choices = [real_values(name, url_name, ids) for name in names]
            for values in itertools.islice(itertools.product(*choices), 3):
                url = build(parts, dict(zip(names, values, strict=True)))
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                requests += 1
                for query in captured.captured_queries:
                    match = WRITE.match(query["sql"])
                    if match and not any(match.group(1).startswith(table) for table in ALLOWED):
                        writes.append(f"{role} GET {url}: {query['sql'][:160]}")
    print(f"\n{requests} GET requests, {len(writes)} writes outside {sorted(ALLOWED)}")
    assert writes == []
