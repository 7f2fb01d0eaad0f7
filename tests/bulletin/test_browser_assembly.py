"""The whole loop in a real browser: place, drag, preview, publish, download."""

import datetime
import re
import subprocess
import tempfile

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bulletin.actions.issues import create_issue
from bulletin.models import Issue, Publication
from tests.browser import chromium_page, log_in, save_screenshot, wait_until
from tests.issue_helpers import adopted_piece

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

XIHU = "西湖区：“点、线、面”结合助力优化营商环境"
XIAOSHAN = "萧山区：做好“三篇文章”助推政务服务增值化改革"
YUHANG = "余杭区：“议、督、改”助推老旧小区改造提质增效"


def section_titles(page, section: str) -> list[str]:
    return page.get_by_role("list", name=section).locator(".placement-title").all_inner_texts()


def test_place_drag_preview_publish_download(
    live_server, settings, tmp_path, editor, contributor, other_contributor, reader
):
    settings.MEDIA_ROOT = tmp_path / "media"
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )
    adopted_piece(
        editor, contributor, XIHU, body="<p>西湖区人大常委会坚持将优化法治营商环境作为重要抓手。</p>"
    )
    adopted_piece(
        editor, other_contributor, XIAOSHAN, body="<p>萧山区人大常委会以企业综合服务中心建设为切口。</p>"
    )
    adopted_piece(editor, contributor, YUHANG, body="<p>余杭区人大常委会充分发挥人大职能优势。</p>")

    with chromium_page(accept_downloads=True) as page:
        log_in(page, live_server.url, "bianji")
        page.goto(f"{live_server.url}{reverse('issue_assemble', args=[issue.pk])}")

        # Place the three pieces: two into 助力攻坚, one into 监督纵横.
        for title, section in [(XIHU, "助力攻坚"), (XIAOSHAN, "助力攻坚"), (YUHANG, "监督纵横")]:
            page.get_by_label(f"《{title}》编入栏目").select_option(label=section)
            page.get_by_label(f"《{title}》编入栏目").locator("xpath=..").get_by_role(
                "button", name="编入"
            ).click()
            page.wait_for_load_state()
        assert section_titles(page, "助力攻坚") == [XIHU, XIAOSHAN]
        assert section_titles(page, "监督纵横") == [YUHANG]
        save_screenshot(page, "issue-assemble")

        # Drag 萧山区 above 西湖区, then 余杭区 into 助力攻坚 between them.
        items = page.get_by_role("list", name="助力攻坚").locator(".placement")
        items.nth(1).drag_to(items.nth(0), target_position={"x": 40, "y": 4})
        page.get_by_text("顺序已保存。").wait_for()
        assert section_titles(page, "助力攻坚") == [XIAOSHAN, XIHU]
        yuhang = page.get_by_role("list", name="监督纵横").locator(".placement").first
        yuhang.drag_to(
            page.get_by_role("list", name="助力攻坚").locator(".placement").nth(1),
            target_position={"x": 40, "y": 4},
        )
        page.locator("#arrange-status", has_text="顺序已保存").wait_for()  # no eval: the CSP forbids it
        page.wait_for_timeout(300)

        # The order survives a reload.
        page.reload()
        assert section_titles(page, "助力攻坚") == [XIAOSHAN, YUHANG, XIHU]
        assert section_titles(page, "监督纵横") == []

        # The keyboard way: Alt+↓ moves the focused item down, and it is saved.
        page.get_by_role("listitem", name=XIAOSHAN).focus()
        page.keyboard.press("Alt+ArrowDown")
        page.locator("#arrange-status", has_text="顺序已保存").wait_for()  # no eval: the CSP forbids it
        page.reload()
        assert section_titles(page, "助力攻坚") == [YUHANG, XIAOSHAN, XIHU]

        # The preview shows that order.
        preview = page.context.new_page()
        preview.goto(f"{live_server.url}{reverse('issue_preview', args=[issue.pk])}")
        text = preview.locator("body").inner_text()
        positions = [text.find(t.split("：")[1][:6]) for t in (YUHANG, XIAOSHAN, XIHU)]
        assert -1 not in positions and positions == sorted(positions), positions
        preview.close()

        # Publish.
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="刊发").click()
        page.wait_for_url(re.compile(r"/archive/\d+/$"))
        expect(page.get_by_text("已刊发，PDF 已生成并存档。")).to_be_visible()

    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.PUBLISHED

    with chromium_page(accept_downloads=True) as page:
        log_in(page, live_server.url, "duzhe")
        page.goto(f"{live_server.url}{reverse('archive')}")
        page.get_by_role("link", name=re.compile("第15期")).click()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="下载 PDF").click()
        download = download_info.value
        assert download.suggested_filename == "杭州人大信息-2024年第15期(总第703期).pdf"
        with tempfile.TemporaryDirectory() as folder:
            path = f"{folder}/issue.pdf"
            download.save_as(path)
            text = subprocess.run(["pdftotext", path, "-"], capture_output=True, check=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    bodies = ["余杭区人大常委会充分发挥", "萧山区人大常委会以企业综合服务", "西湖区人大常委会坚持将优化"]
    positions = [flat.find(b) for b in bodies]
    assert -1 not in positions and positions == sorted(positions), positions


def test_moves_in_quick_succession_are_all_saved(live_server, editor, contributor):
    """Alt+↓ pressed twice before the first save is answered: the second move waits for the
    first save and is sent with its new version, so both are kept — no false "已被他人修改",
    and the page never shows an order the server does not have."""
    from tests.issue_helpers import place

    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )
    for title in ("甲稿", "乙稿", "丙稿"):
        place(editor, issue, adopted_piece(editor, contributor, title), "助力攻坚")

    with chromium_page() as page:
        log_in(page, live_server.url, "bianji")
        page.goto(f"{live_server.url}{reverse('issue_assemble', args=[issue.pk])}")
        held = []  # the arrange requests; the first is held back until the test lets it go

        def hold_the_first(route):
            held.append(route)
            if len(held) > 1:
                route.continue_()

        page.route("**/arrange/", hold_the_first)
        page.get_by_role("listitem", name="甲稿").focus()
        page.keyboard.press("Alt+ArrowDown")
        page.locator("#arrange-status", has_text="正在保存").wait_for()  # no eval: the CSP forbids it
        while not held:
            page.wait_for_timeout(50)
        page.keyboard.press("Alt+ArrowDown")  # while the first save is still on its way
        page.wait_for_timeout(400)
        assert len(held) == 1, "the second move was posted before the first was answered"
        held[0].continue_()
        wait_until(
            page,
            lambda: (
                "顺序已保存" in page.locator("#arrange-status").inner_text()
                and not page.locator("#assembly").get_attribute("data-saving")
            ),
        )
        assert section_titles(page, "助力攻坚") == ["乙稿", "丙稿", "甲稿"]
        assert "他人" not in page.locator("#arrange-status").inner_text()
        page.reload()
        assert section_titles(page, "助力攻坚") == ["乙稿", "丙稿", "甲稿"]
        toc = page.locator("#toc").inner_text()
        assert toc.index("乙稿") < toc.index("丙稿") < toc.index("甲稿")
