"""No request is ever a 500: every URL pattern, every role, a catalogue of malformed values.

The walk resolves every pattern of the URLconf (the admin's too), fills its path
parameters with real ids and with malformed ones, and requests it as every role, by GET
and by POST. Where a role may use a page, each query or form parameter the view actually
reads (recorded while the page handles a valid request) is then sent with every malformed
value of the catalogue, one parameter at a time with the others valid, and once as a
repeated key. No response may be ≥ 500. The test prints how many requests it made.

Extend VALID (a valid value) and CATALOGUE (extra malformed values) when a new parameter
appears; a parameter missing from VALID fails the test, so none is forgotten.
"""

import datetime
import os
import re
import time
from contextlib import contextmanager

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from accounts.models import Role, Unit
from assessment.actions.instructions import record_instruction
from bulletin.actions.issues import create_issue
from bulletin.actions.publishing import publish_issue
from bulletin.models import Publication, Section
from messaging.actions.unit_contacts import create_unit_contact
from submissions.actions import commissions, import_jobs, pieces
from tests.issue_helpers import adopted_piece, place, submitted_piece
from tests.word_files import build_docx, p, r

pytestmark = pytest.mark.django_db(transaction=False)

HUGE = str(2**63)
# Malformed values every parameter is tried with.
GENERIC = [
    "abc",
    "",
    "-1",
    HUGE,
    "0001-01-01",
    "9999-12-31",
    "<script>alert(1)</script>",
    "x" * 3000,
    "a\x00b",
]
IDS = ["0", str(-(2**63) - 1), "1.5", "２"]
DATES = ["2024-02-30", "２０２４-01-01", "2024-1-1x"]
# Extra malformed values for particular parameters (unknown choices, ids, dates).
CATALOGUE: dict[str, list[str]] = {
    **{
        key: IDS
        for key in (
            "unit",
            "section",
            "submission",
            "commission",
            "suggested_section",
            "version",
            "page",
            "job",
        )
    },
    **{key: DATES for key in ("start", "end", "date_from", "date_to", "due", "deadline")},
    "year": ["0", "1989", "2101", "２０２４"],
    "kind": ["century", "range"],
    "verb": ["publish"],
    "status": ["deleted", "published"],
    "level": ["galactic"],
    "edition": ["weekly"],
    "direction": ["sideways"],
    "quarter": ["5"],
    "month": ["13"],
    "from": ["docx"],
    "action": ["import", "delete"],
    "next": ["https://evil.example/", "//evil.example"],
    "units": ["abc", HUGE],
    "date": ["2024-12-32", *DATES],
    "mobile": ["12345", "+86 139 0000 0002", "１３９００００００２"],
    "email": ["not-an-address"],
}
ADMIN_ROLES = ("anonymous", "admin", "auditor")
MALFORMED_PATH = ["0", "-1", HUGE, str(2**31), "abc", "１"]
# The CSRF token is checked by Django before any view runs.
# A template's {{ request.GET.items }} tries request.GET["items"] first.
IGNORED_KEYS = {"csrfmiddlewaretoken", "items"}


class ReadKeys:
    """Records which keys views look up in request.GET / request.POST."""

    def __init__(self):
        self.keys: set[str] | None = None

    @contextmanager
    def recording(self):
        self.keys = set()
        try:
            yield self.keys
        finally:
            self.keys = None


READ = ReadKeys()


@pytest.fixture
def key_recorder(monkeypatch):
    def wrap(name):
        original = getattr(MultiValueDict, name)

        def recorded(self, key, *args, **kwargs):
            if READ.keys is not None and isinstance(self, QueryDict) and isinstance(key, str):
                READ.keys.add(key)
            return original(self, key, *args, **kwargs)

        monkeypatch.setattr(MultiValueDict, name, recorded)

    # Not __contains__: building a QueryDict tests every key it parses.
    for name in ("get", "getlist", "__getitem__"):
        wrap(name)
    return READ


@pytest.fixture
def world(editor, contributor, reader, admin_account, make_user, settings, tmp_path):
    """Real objects for every kind of id a URL takes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Single sign-on configured, so that its pages read their parameters; nothing listens
    # at these addresses, and no walked request gets as far as calling them.
    settings.OIDC_RP_CLIENT_ID = "walk"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://127.0.0.1:9/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/o/token/"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/o/jwks/"
    settings.BULLETIN_ZZD_LOGIN_APP_KEY = "walk"
    settings.BULLETIN_ZZD_LOGIN_APP_SECRET = "walk"
    settings.BULLETIN_ZZD_LOGIN_URL = settings.BULLETIN_ZZD_LOGIN_API_URL = "http://127.0.0.1:9"
    auditor = make_user(Role.AUDITOR, username="shenji")
    publication = Publication.objects.get()
    today = timezone.localdate()
    draft = pieces.create_draft(actor=contributor, title="草稿一篇", body="<p>草稿正文。</p>")
    submitted = submitted_piece(contributor, "已报送一篇")
    unplaced = adopted_piece(editor, contributor, "已采用未编入")
    published_piece = adopted_piece(editor, contributor, "已刊发一篇")
    issue = create_issue(actor=editor, publication=publication, date=today, number=1, total_number=704)
    place(editor, issue, published_piece, "要闻速递")
    publish_issue(actor=editor, issue=issue)
    published_piece.refresh_from_db()
    record_instruction(actor=editor, submission=published_piece, leader="王某", level="municipal", date=today)
    draft_issue = create_issue(actor=editor, publication=publication, date=today, number=2, total_number=705)
    placement = place(editor, draft_issue, adopted_piece(editor, contributor, "已编入一篇"), "助力攻坚")
    commission = commissions.create_commission(
        actor=editor,
        topic="约稿主题",
        requirements="",
        deadline=today + datetime.timedelta(days=7),
        units=[contributor.unit],
    )
    draft_issue.refresh_from_db()
    # A Word import read by the worker (its task run here), for the import pages' ids.
    job = import_jobs.request_import(
        actor=contributor, name="稿件.docx", data=build_docx(p(r("西湖区：标题")) + p(r("正文。")))
    )
    import_jobs.run_import_job(job_id=job.pk)
    unit = Unit.objects.get(short_name="西湖区")
    section = Section.objects.get(name="助力攻坚")
    valid = {
        "unit": str(unit.pk),
        "section": str(section.pk),
        "submission": str(unplaced.pk),
        "commission": str(commission.pk),
        "kind": "year",
        "year": str(today.year),
        "quarter": "1",
        "month": "1",
        "start": f"{today.year}-01-01",
        "end": f"{today:%Y-%m-%d}",
        "status": "submitted",
        "q": "一篇",
        "page": "1",
        "date_from": f"{today.year}-01-01",
        "date_to": f"{today:%Y-%m-%d}",
        "version": str(draft_issue.layout_version),
        "direction": "up",
        "note": "更正说明",
        "pdf_version": "1",
        "reason": "不采用的理由",
        "due": f"{today + datetime.timedelta(days=3):%Y-%m-%d}",
        "leader": "王某",
        "level": "municipal",
        "date": f"{today:%Y-%m-%d}",
        "text": "一段文字",
        "title": "标题",
        "subtitle": "",
        "body": "<p>正文。</p>",
        "byline_org": "西湖区人大常委会办公室",
        "byline_authors": "钱苏晚",
        "contact_name": "钱苏晚",
        "contact_phone": "85250657",
        "suggested_section": str(section.pk),
        "brief_text": "西湖区一段摘登文字。",
        "brief_byline": "西湖区人大常委会办公室 钱苏晚",
        "topic": "约稿主题",
        "requirements": "要求",
        "deadline": f"{today + datetime.timedelta(days=7):%Y-%m-%d}",
        "units": str(unit.pk),
        "number": "3",
        "total_number": "706",
        "edition": "regular",
        "editor_name": "杨青青",
        "editor_phone": "85250657",
        "distribution": "省人大常委会办公厅",
        "numbering_reason": "上期为专刊",
        "replace": "",
        "source_name": "x.txt",
        "file": "",
        "from": "",
        "action": "check",
        "next": "/",
        "username": "nobody",
        "password": "Wrong-Password-1",
        "old_password": "Wrong-Password-1",
        "new_password1": "New-Password-2026!",
        "new_password2": "New-Password-2026!",
        "verb": "return",
        # Issues 13–16: the assembly page's filter, 刊发 confirmation, paging cursors,
        # 签发人, 报送任务, rankings by group, 校对 panels.
        "uq": "一篇",
        "uunit": str(unit.pk),
        "ukind": "article",
        "confirmed": "1",
        "after": "",
        "before": "",
        "signer_name": "李建华",
        "signer": "李建华",
        "group": "district",
        "issue": str(draft_issue.pk),
        "key": "abc",
        "rule": "half_width_punct",
        "fragment": "1",
        "count": "2",
        "period": "month",
        "starts": f"{today:%Y-%m}-01",
        "ends": "",
        "unit_kind": "district",
        "a": "1",
        "b": "2",
        "show": "all",
        "job": str(job.pk),
        "keep": "0",
        # 单位联系人 (who was reached).
        "name": "王五",
        "mobile": "13900000002",
        "email": "ws@example.gov.cn",
        "zzd_account_id": "zzd-001",
        "active": "on",
        # 通知方式: the contact details, 每日汇总, and one box per kind and channel.
        "daily_digest": "on",
        **{
            f"ch_{kind}_{channel}": "on"
            for kind in ("workflow", "comment", "reminder", "commission", "distribution", "security")
            for channel in ("email", "zzd", "sms", "webhook")
        },
        # The second factor's pages: a recovery-code shape with "0", which base32 never
        # holds, so no walk signs in by luck.
        "code": "0000-0000-0000-0000",
        # Single sign-on callbacks (accounts.sso_views): a state no session started.
        "state": "a-state-nobody-started",
        "error": "",
        "error_description": "",
    }
    contact = create_unit_contact(actor=editor, unit=unit, name="王五", mobile="13900000002")
    ids = {
        "piece": [draft.pk, submitted.pk, published_piece.pk],
        "issue": [draft_issue.pk, issue.pk],
        "published_issue": [issue.pk],
        "placement": [placement.pk],
        "user": [contributor.pk],
        "import_job": [job.pk],
        "unit": [unit.pk],
        "unit_contact": [contact.pk],
    }
    users = {
        "anonymous": None,
        "contributor": contributor,
        "editor": editor,
        "reader": reader,
        "admin": admin_account,
        "auditor": auditor,
        # Made last: with a 审核人 in the unit, the pieces above would wait for 审签.
        "reviewer": make_user(Role.REVIEWER, contributor.unit.short_name, username="shenhe"),
    }
    return {"valid": valid, "ids": ids, "users": users}


def url_patterns():
    """(pattern parts, name) of every endpoint in the URLconf, admin included."""

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, [*prefix, entry.pattern])
            elif isinstance(entry, URLPattern):
                yield [*prefix, entry.pattern], entry.name or ""

    return list(walk(get_resolver().url_patterns, []))


PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def param_names(parts) -> list[str]:
    names = []
    for part in parts:
        for match in PARAM.finditer(str(part)):
            names.append(match.group("name") or match.group("rname"))
    return names


def build(parts, values: dict[str, str]) -> str:
    url = ""
    for part in parts:
        text = str(part)
        text = PARAM.sub(lambda m: values[m.group("name") or m.group("rname")], text)
        url += text.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + url


def real_values(name: str, url_name: str, ids) -> list[str]:
    if name == "placement_pk":
        return [str(i) for i in ids["placement"]]
    if name == "version":
        return ["1"]
    if name == "verb":
        return ["return", "decline", "adopt-article", "adopt-brief"]
    if name == "fmt":
        return ["xlsx", "csv"]
    if name == "app_label":
        return ["accounts", "audit"]
    if name in ("object_id", "id"):
        return [str(i) for i in ids["user"]]
    if name == "unit_pk":
        return [str(i) for i in ids["unit"]]
    if name == "pk":
        if url_name.startswith("unit_contact"):
            return [str(i) for i in ids["unit_contact"]]
        if url_name.startswith("archive"):
            return [str(i) for i in ids["published_issue"]]
        if url_name.startswith(("issue", "placement")):
            return [str(i) for i in ids["issue"]]
        if url_name.startswith("piece_import"):
            return [str(i) for i in ids["import_job"]]
        return [str(i) for i in ids["piece"]]
    return ["1"]


def test_no_request_is_a_500(world, key_recorder, capsys):
    valid, ids, users = world["valid"], world["ids"], world["users"]
    clients = {}
    for role, user in users.items():
        clients[role] = Client(raise_request_exception=False)
        if user is not None:
            clients[role].force_login(user)
    counts = {"requests": 0}
    progress = os.environ.get("NO500_PROGRESS")  # a file to follow a long run with tail -f
    failures: list[str] = []
    unknown_keys: set[str] = set()

    def send(role, method, url, data, note=""):
        client = clients[role]
        started = time.monotonic()
        response = getattr(client, method)(url, data)
        counts["requests"] += 1
        if progress and time.monotonic() - started > 2:
            with open(progress, "a", encoding="utf-8") as log:
                log.write(
                    f"  slow {time.monotonic() - started:.1f}s {role} {method} {url} {str(data)[:300]}\n"
                )
        # /healthz answers 503 on purpose when no task worker is alive (none runs here).
        if response.status_code >= 500 and not (response.status_code == 503 and "/healthz" in url):
            failures.append(f"{response.status_code} {role} {method.upper()} {url} {note}")
            if progress:
                with open(progress, "a", encoding="utf-8") as log:
                    log.write(f"  FAIL {failures[-1]}\n")
        if users[role] is not None and "_auth_user_id" not in client.session:
            client.force_login(users[role])  # logout, or a password change, ended the session
        return response

    for parts, url_name in url_patterns():
        if progress:
            with open(progress, "a", encoding="utf-8") as log:
                log.write(
                    f"{time.monotonic():.0f} {counts['requests']} {url_name} {''.join(map(str, parts))}\n"
                )
        if os.environ.get("NO500_ONLY") and url_name != os.environ["NO500_ONLY"]:
            continue
        in_admin = str(parts[0]) == "admin/"
        names = param_names(parts)
        real = {name: real_values(name, url_name, ids) for name in names}
        # Every combination of real values (at most a handful), then each parameter malformed.
        variants = [{name: values[0] for name, values in real.items()}]
        for name, values in real.items():
            variants += [{**variants[0], name: value} for value in values[1:]]
            variants += [{**variants[0], name: value} for value in MALFORMED_PATH]
        for role in users:
            for index, values in enumerate(variants):
                if in_admin and index > 0 and role not in ADMIN_ROLES:
                    continue  # the admin site turns every other role away before it reads the URL
                url = build(parts, values)
                for method in ("get", "post"):
                    if index > 0 or method == "post":
                        if not (in_admin and index > 0 and method == "post"):
                            send(role, method, url, {})
                        continue
                    # A valid request by each method, recording which parameters the view reads.
                    methods = []
                    read: set[str] = set()
                    for method_ in ("get", "post"):
                        with key_recorder.recording() as seen:
                            response = send(role, method_, url, valid, "valid data")
                        refused = response.status_code in (403, 404, 405) or (
                            response.status_code == 302 and "login" in response.get("Location", "")
                        )
                        if not refused:
                            methods.append(method_)
                            read |= seen
                    if in_admin:
                        continue  # the admin's own forms and filters are Django's; its URLs are walked above
                    for key in sorted(read - IGNORED_KEYS):
                        if key not in valid:
                            unknown_keys.add(f"{url_name}:{key}")
                            continue
                        for bad in GENERIC + CATALOGUE.get(key, []):
                            for method_ in methods:
                                send(role, method_, url, {**valid, key: bad}, f"{key}={bad[:40]!r}")
                        for method_ in methods:
                            send(role, method_, url, {**valid, key: [valid[key], "abc"]}, f"{key} repeated")
    with capsys.disabled():
        print(f"\nno-500 walk: {counts['requests']} requests, {len(failures)} responses ≥ 500")
    assert not failures, "\n".join(failures[:40])
    assert not unknown_keys, f"parameters read by views but missing from VALID: {sorted(unknown_keys)}"
