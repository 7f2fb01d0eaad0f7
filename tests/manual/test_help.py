"""The 帮助 pages: docs/manual rendered for signed-in users (ADR 0007)."""

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from manual.rendering import MANUALS, heading_anchor, render_markdown

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
MANUAL_DIR = Path(settings.BULLETIN_MANUAL_DIR)

# The two ways a template links to a manual's section.
HELP_INCLUDE = re.compile(
    r'\{% include "includes/_help_link\.html" with manual="(\w+)" section="([^"]+)" %\}'
)
HELP_URL = re.compile(r"\{% url 'help_page' '(\w+)' %\}#([^\"'<\s]+)")


class _Page(HTMLParser):
    """The ids, links and images of a rendered page."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def template_help_links() -> list[tuple[str, str, str]]:
    """(template, manual, section) for every link a template makes to the 帮助 pages."""
    found = []
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(TEMPLATES_DIR))
        for pattern in (HELP_INCLUDE, HELP_URL):
            found += [(name, manual, section) for manual, section in pattern.findall(text)]
    return found


@pytest.fixture
def signed_in(client_for, make_user):
    return client_for(make_user(Role.READER, username="duzhe"))


@pytest.mark.parametrize("role", list(MANUALS))
def test_each_manual_renders_for_a_signed_in_user(signed_in, role):
    response = signed_in.get(reverse("help_page", args=[role]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 id="{MANUALS[role]}">{MANUALS[role]}</h1>' in html
    assert '<h2 id="登录">登录</h2>' in html
    # The list of all the manuals, with this one marked.
    for other in MANUALS:
        assert f'href="{reverse("help_page", args=[other])}"' in html
    assert 'aria-current="page">' + MANUALS[role] in html


def test_index_renders_and_links_each_manual(signed_in):
    response = signed_in.get(reverse("help_index"))
    assert response.status_code == 200
    links = parse(response.content.decode()).links
    for role in MANUALS:
        assert reverse("help_page", args=[role]) in links


def test_every_role_may_read_every_manual(client_for, make_user):
    user = make_user(Role.CONTRIBUTOR, "西湖区", username="xihu")
    client = client_for(user)
    for role in MANUALS:
        assert client.get(reverse("help_page", args=[role])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/help/", "/help/editor/", "/help/images/login.png", "/help/images/no-such.png"],
)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_manual_is_404(signed_in):
    assert signed_in.get("/help/nobody/").status_code == 404
    assert signed_in.get("/help/README/").status_code == 404


def test_navbar_help_points_to_the_own_manual(client_for, make_user):
    client = client_for(make_user(Role.EDITOR, username="bianji"))
    html = client.get(reverse("help_index")).content.decode()
    assert '<a class="nav-link active" href="/help/editor/">帮助</a>' in html


def test_templates_link_to_headings_that_exist(signed_in):
    links = template_help_links()
    # The main pages of each role (the brief's list); a template that loses its link fails here.
    linked_templates = {name for name, _, _ in links}
    for name in (
        "submissions/unit_home.html",
        "submissions/review_detail.html",
        "submissions/review_queue.html",
        "bulletin/editor_home.html",
        "bulletin/issue_assemble.html",
        "archive/archive.html",
        "assessment/stats.html",
        "assessment/unit_stats.html",
        "admin/audit/auditentry/change_list.html",
    ):
        assert name in linked_templates
    ids = {}
    for _, manual, _ in links:
        if manual not in ids:
            response = signed_in.get(reverse("help_page", args=[manual]))
            ids[manual] = parse(response.content.decode()).ids
    missing = [(name, f"{manual}#{section}") for name, manual, section in links if section not in ids[manual]]
    assert missing == []


def test_links_between_manual_pages_resolve(signed_in):
    pages = {"index": reverse("help_index")} | {role: reverse("help_page", args=[role]) for role in MANUALS}
    parsed = {name: parse(signed_in.get(url).content.decode()) for name, url in pages.items()}
    by_path = {pages[name]: page for name, page in parsed.items()}
    checked = 0
    for name, page in parsed.items():
        for href in page.links:
            parts = urlsplit(href)
            if not parts.path.startswith("/help/") and not (parts.path == "" and parts.fragment):
                continue
            target = by_path[parts.path] if parts.path else page
            if parts.fragment:
                assert unquote(parts.fragment) in target.ids, f"{name}: {href}"
                checked += 1
    assert checked > 40  # the sections lists, and the links written in the manuals


def test_links_out_of_the_manual_are_plain_text(signed_in):
    html = signed_in.get(reverse("help_page", args=["editor"])).content.decode()
    assert "operations.md" not in html
    assert "见部署与运维）" in html  # the words of the link stay, the link does not


def test_every_referenced_screenshot_exists():
    """Each picture a manual shows is in docs/manual/images/ (the browser tests take them)."""
    missing = []
    for path in sorted(MANUAL_DIR.glob("*.md")):
        for src in parse(render_markdown(path.read_text(encoding="utf-8")).html).images:
            name = src.removeprefix(reverse("help_image", args=["x.png"]).removesuffix("x.png"))
            if not (MANUAL_DIR / "images" / name).is_file():
                missing.append(f"{path.name}: {src}")
    assert missing == []


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


@pytest.fixture
def manual_folder(settings, tmp_path):
    """A manual folder of the test's own: a page, a picture, and a secret beside them."""
    (tmp_path / "manual" / "images").mkdir(parents=True)
    (tmp_path / "manual" / "images" / "shot.png").write_bytes(PNG)
    (tmp_path / "manual" / "images" / "notes.md").write_text("不是图片", encoding="utf-8")
    (tmp_path / "manual" / "secret.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG)
    settings.BULLETIN_MANUAL_DIR = tmp_path / "manual"
    return tmp_path / "manual"


def test_images_are_served_from_the_images_folder(signed_in, manual_folder):
    response = signed_in.get(reverse("help_image", args=["shot.png"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize(
    "path",
    [
        "/help/images/missing.png",
        "/help/images/notes.md",
        "/help/images/../secret.png",
        "/help/images/..%2Fsecret.png",
        "/help/images/..%2F..%2Fsecret.png",
        "/help/images/%2E%2E%2Fsecret.png",
        "/help/images/%252E%252E%252Fsecret.png",
        "/help/images/..%5Csecret.png",
        "/help/images/../editor.md",
        "/help/images/..%2Feditor.md",
        "/help/images/%2E%2E%2F%2E%2E%2Fconfig%2Fsettings.py",
        "/help/images/..%5C..%5Cconfig%5Csettings.py",
        "/help/images/%2e%2e",
        "/help/images/.png",
        "/help/images/%2Fetc%2Fpasswd",
        "/help/images/login.png%00.md",
        "/help/images/../../config/settings.py",
    ],
)
def test_image_paths_outside_the_folder_are_404(signed_in, manual_folder, path):
    assert signed_in.get(path).status_code == 404


def test_raw_html_in_the_markdown_is_escaped(signed_in, settings, tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "reader.md").write_text(
        "# 读者手册\n\n<script>alert(1)</script>\n\n段落 <img src=x onerror=alert(1)> 结束\n\n"
        "[点我](javascript:alert(1)) [外部](https://example.com/) ![外图](https://example.com/a.png)\n",
        encoding="utf-8",
    )
    settings.BULLETIN_MANUAL_DIR = tmp_path
    html = signed_in.get(reverse("help_page", args=["reader"])).content.decode()
    article = html.split('<article class="col-lg-9 manual-text">')[1].split("</article>")[0]
    assert "<script>" not in article
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert "&lt;img src=x onerror=alert(1)&gt;" in article
    assert 'href="javascript:' not in article  # markdown-it refuses it; the text stays text
    assert "example.com" not in article  # nothing links or loads from outside
    assert "外部" in article and "外图" in article


def test_rendering_is_cached_by_modification_time(signed_in, settings, tmp_path):
    page = tmp_path / "reader.md"
    page.write_text("# 读者手册\n\n第一版\n", encoding="utf-8")
    settings.BULLETIN_MANUAL_DIR = tmp_path
    url = reverse("help_page", args=["reader"])
    assert "第一版" in signed_in.get(url).content.decode()
    page.write_text("# 读者手册\n\n第二版\n", encoding="utf-8")
    stat = page.stat()
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "第二版" in signed_in.get(url).content.decode()


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("报送稿件", "报送稿件"),
        ("从Word导入稿件", "从word导入稿件"),
        ("下载PDF", "下载pdf"),
        ("Browser tests", "browser-tests"),
        ("“引号”和，标点", "引号和标点"),
    ],
)
def test_heading_anchors_are_githubs(heading, anchor):
    assert heading_anchor(heading) == anchor


def test_repeated_headings_get_numbered_anchors():
    ids = parse(render_markdown("# 甲\n\n## 留言\n\n## 留言\n").html).ids
    assert ids == {"甲", "留言", "留言-1"}
