"""The 帮助 pages and the pages that link to them, in Chromium, on the demo data.

Each page's 帮助 link opens its role's manual at the right section; the help page reads on
a phone and on a desk. With BULLETIN_SCREENSHOTS=1 this is also where the 用户手册's
screenshots of pages the other browser tests do not reach are taken (tests/browser.py).
"""

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.actions import create_account
from accounts.models import Role, User
from bulletin.models import Issue, Publication
from demo.samples import seed_files
from submissions.models import Commission
from tests.browser import chromium_page, log_in, save_screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(settings, tmp_path, capsys):
    """The demo data (`manage.py load_demo`, the 审计员 shenji included), its accounts signing
    in with the tests' password."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo")
    capsys.readouterr()
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save()


def follow_help_link(page, manual: str, section: str) -> None:
    """Click the page's 帮助 link: the manual opens at the section, its heading in view."""
    page.locator("main .help-link").first.click()
    page.wait_for_load_state()
    parts = urlsplit(page.url)
    assert parts.path == reverse("help_page", args=[manual])
    assert unquote(parts.fragment) == section
    heading = page.locator("article :target")
    assert heading.inner_text() == section
    expect(heading).to_be_visible()
    # Let the screenshots near the section finish loading before the next sign-in.
    page.wait_for_load_state("networkidle")


# (user, path, screenshot, manual, section): the main pages of each role.
PAGES = [
    ("xihu", "/unit/", "unit-home", "contributor", "本单位稿件页面"),
    ("xihu", "/stats/unit/", "unit-stats", "contributor", "查看本单位考核"),
    ("bianji", "/editor/", "editor-home", "editor", "编辑工作台"),
    ("bianji", "/review/", "review-queue", "editor", "查找稿件"),
    ("bianji", "/review/commissions/", "commission-list", "editor", "约稿"),
    ("bianji", "/stats/quotas/", "quotas", "editor", "报送任务"),
    ("bianji", "/stats/", "stats", "editor", "考核统计"),
    ("duzhe", "/archive/", "archive", "reader", "按年份浏览"),
    ("duzhe", "/archive/?q=代表", "archive-search", "reader", "搜索"),
]


def test_main_pages_link_to_their_help_section(live_server, demo):
    with chromium_page() as page:
        signed_in = None
        for username, path, shot, manual, section in PAGES:
            if username != signed_in:
                log_in(page, live_server.url, username)
                signed_in = username
            page.goto(live_server.url + path)
            save_screenshot(page, shot)
            follow_help_link(page, manual, section)

        log_in(page, live_server.url, "bianji")
        commission = Commission.objects.get()
        page.goto(live_server.url + reverse("commission_detail", args=[commission.pk]))
        save_screenshot(page, "commission-detail")
        issue = Issue.objects.get(status=Issue.Status.DRAFT)
        page.goto(live_server.url + reverse("issue_assemble", args=[issue.pk]))
        follow_help_link(page, "editor", "编排一期")

        log_in(page, live_server.url, "duzhe")
        published = Issue.objects.filter(status=Issue.Status.PUBLISHED).order_by("-date").first()
        page.goto(live_server.url + reverse("archive_issue", args=[published.pk]))
        save_screenshot(page, "archive-issue")
        follow_help_link(page, "reader", "阅读一期")


def test_back_issue_check_report(live_server, demo):
    with chromium_page() as page:
        log_in(page, live_server.url, "bianji")
        page.goto(live_server.url + reverse("back_issue_import"))
        text = Path(seed_files()[0]).read_text(encoding="utf-8")
        page.get_by_role("textbox", name="往期文字").fill(text)
        page.get_by_role("button", name="检查").click()
        page.get_by_text("检查报告").wait_for()
        expect(page.get_by_text("识别结果").first).to_be_visible()
        save_screenshot(page, "back-issue-import")


def test_admin_and_audit_pages(live_server, demo):
    with chromium_page() as page:
        log_in(page, live_server.url, "guanli")
        page.goto(live_server.url + reverse("admin:index"))
        assert page.get_by_role("link", name="帮助").get_attribute("href") == reverse(
            "help_page", args=["admin"]
        )
        save_screenshot(page, "admin-index")
        page.goto(live_server.url + reverse("admin:accounts_user_add"))
        page.get_by_label("角色").select_option(label="报送员")
        page.get_by_label("所属单位").select_option(label="西湖区人大常委会")
        save_screenshot(page, "admin-user-add")
        publication = Publication.objects.get(name="杭州人大信息")
        page.goto(live_server.url + reverse("admin:bulletin_publication_change", args=[publication.pk]))
        expect(page.get_by_text("发送范围模板").first).to_be_visible()
        save_screenshot(page, "admin-publication")

        log_in(page, live_server.url, "shenji")
        page.goto(live_server.url + reverse("admin:audit_auditentry_changelist"))
        save_screenshot(page, "audit-log")
        page.get_by_role("link", name="帮助").last.click()
        page.wait_for_load_state()
        assert unquote(urlsplit(page.url).fragment) == "查看审计日志"
        assert page.locator("article :target").inner_text() == "查看审计日志"


def test_first_login_asks_for_a_new_password(live_server, demo):
    admin = User.objects.get(username="guanli")
    create_account(
        actor=admin,
        username="xihu2",
        password=PASSWORD,
        role=Role.CONTRIBUTOR,
        full_name="许文",
        unit=User.objects.get(username="xihu").unit,
    )
    with chromium_page() as page:
        log_in(page, live_server.url, "xihu2")
        page.wait_for_url(re.compile(r"/accounts/password/"))
        expect(page.get_by_text("请先设置自己的新密码")).to_be_visible()
        save_screenshot(page, "password-change")


@pytest.mark.parametrize("width", [390, 1366])
def test_help_page_reads_on_a_phone_and_a_desk(live_server, editor, width):
    with chromium_page(viewport={"width": width, "height": 900}) as page:
        log_in(page, live_server.url, "bianji")
        # The navbar's 帮助 opens the signed-in person's own manual.
        if width < 768:
            page.get_by_role("button", name="展开导航").click()
        page.locator("#mainNav").get_by_role("link", name="帮助", exact=True).click()
        page.wait_for_url(re.compile(r"/help/editor/$"))
        expect(page.get_by_role("heading", name="编辑手册", level=1)).to_be_visible()
        # Nothing wider than the screen; the column is short enough to read.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator("article.manual-text").bounding_box()["width"] <= 46 * 16 + 40
        # The list of manuals; the list of this one's sections on a desk only.
        nav = page.get_by_role("navigation", name="用户手册")
        expect(nav.get_by_role("link", name="审计员手册")).to_be_visible()
        assert page.get_by_role("navigation", name="本册各节").is_visible() == (width >= 992)
        # Screenshots come from the app itself.
        sources = [image.get_attribute("src") for image in page.locator("article img").all()]
        assert len(sources) > 5 and all(src.startswith("/help/images/") for src in sources)
        if folder := os.environ.get("BULLETIN_REVIEW_SHOTS"):
            page.screenshot(path=f"{folder}/help-editor-{width}.png")
        # A link to another manual's section lands on that section.
        page.locator("article").get_by_role("link", name="报送员手册").first.click()
        page.wait_for_load_state()
        assert urlsplit(page.url).path == reverse("help_page", args=["contributor"])
        assert page.locator("article :target").inner_text() == "保存时提示稿件已被修改"
        expect(page.locator("article :target")).to_be_visible()
