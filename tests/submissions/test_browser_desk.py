"""The desk in a real browser: adopt → un-adopt → re-adopt, a brief refused on its own tab,
the version comparison, and the assembly page redrawing its 目录 and counts after a move."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bulletin.actions.issues import create_issue
from bulletin.models import Publication, Section
from submissions.models import Event, Submission
from tests.browser import chromium_page, log_in, save_screenshot, wait_until
from tests.bulletin.test_browser_assembly import section_titles
from tests.issue_helpers import adopted_piece, place, submitted_piece

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "西湖区：“三个力”做活代表工作"
BODY = "<p><strong>一是聚焦重点抓监督。</strong>全区共收集意见建议120条，已办结98条。</p>"


def toc_text(page) -> str:
    return page.locator("#toc").inner_text()


def test_adopt_unadopt_readopt_and_compare_versions(live_server, editor, contributor):
    piece = submitted_piece(contributor, TITLE, body=BODY)
    review = f"{live_server.url}{reverse('review_detail', args=[piece.pk])}"
    with chromium_page() as page:
        log_in(page, live_server.url, "bianji")
        page.goto(review)
        save_screenshot(page, "review-detail")

        # A brief that does not begin with the unit's name comes back on its tab, as typed.
        page.get_by_role("tab", name="采用为信息摘登").click()
        typed = "全区人大代表深入基层听取意见建议一百二十条。"
        page.get_by_label("摘登文字").fill(typed)
        page.locator("#act-brief").get_by_role("button", name="采用为信息摘登").click()
        page.wait_for_load_state()
        assert page.get_by_role("tab", name="采用为信息摘登").get_attribute("aria-selected") == "true"
        assert page.get_by_label("摘登文字").input_value() == typed
        expect(page.locator("#act-brief").get_by_text("摘登文字应以单位名称开头")).to_be_visible()

        # Adopt as an article, then undo it with a note: back to 已报送.
        page.get_by_role("tab", name="采用为文章").click()
        page.locator("#act-article").get_by_role("button", name="采用为文章").click()
        page.wait_for_load_state()
        expect(page.get_by_text("已采用为文章").first).to_be_visible()
        page.get_by_label("撤销原因").fill("与上期选题重复，再议")
        page.get_by_role("button", name="撤销采用").click()
        page.wait_for_load_state()
        expect(page.get_by_text("已撤销采用")).to_be_visible()
        assert Submission.objects.get(pk=piece.pk).status == "submitted"

        # Re-adopt, this time as a brief beginning with the unit's name.
        page.get_by_role("tab", name="采用为信息摘登").click()
        page.get_by_label("摘登文字").fill("西湖区人大常委会聚焦重点抓监督，全区共收集意见建议120条。")
        page.locator("#act-brief").get_by_role("button", name="采用为信息摘登").click()
        page.wait_for_load_state()
        piece.refresh_from_db()
        assert piece.status == "adopted" and piece.adopted_as == "brief"
        actions_done = list(Event.objects.filter(submission=piece).values_list("action", flat=True))
        assert actions_done == ["submit", "adopt_article", "unadopt", "adopt_brief"]

        # Edit the text, then compare the submitted version with the current one.
        page.locator("#id_title").fill(TITLE.replace("做活", "做实"))
        page.locator(".richtext-area").evaluate(
            "(el, html) => { el.innerHTML = html; el.dispatchEvent(new Event('input')); }",
            BODY.replace("120", "150"),
        )
        page.get_by_role("button", name="保存修改").click()
        page.wait_for_load_state()
        page.get_by_role("link", name="打开与对比").click()
        page.wait_for_load_state()
        page.locator("input[name=a]").last.check()  # the 报送稿
        page.locator("input[name=b]").first.check()  # the current text
        page.get_by_role("button", name="对比").click()
        page.wait_for_load_state()
        diff = page.locator("#version-diff")
        expect(diff.locator("del.diff-del", has_text="120")).to_be_visible()
        expect(diff.locator("ins.diff-ins", has_text="150")).to_be_visible()
        expect(diff.locator("del.diff-del", has_text="活")).to_be_visible()
        expect(diff.locator("ins.diff-ins", has_text="实")).to_be_visible()
        save_screenshot(page, "piece-versions")
        page.get_by_role("link", name="报送稿").click()
        page.wait_for_load_state()
        assert "120条" in page.locator("#version-text").inner_text()

    # The unit sees the editor's change on its own page.
    with chromium_page() as page:
        log_in(page, live_server.url, "xihu")
        page.goto(f"{live_server.url}{reverse('piece_detail', args=[piece.pk])}")
        changes = page.locator("#editor-changes")
        expect(changes.locator("ins.diff-ins", has_text="150")).to_be_visible()


def test_assembly_page_reflects_every_move_without_reload(live_server, editor, contributor):
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(
        actor=editor, publication=publication, date=datetime.date(2026, 3, 1), number=1, total_number=801
    )
    first = adopted_piece(editor, contributor, "西湖区：第一篇")
    second = adopted_piece(editor, contributor, "西湖区：第二篇")
    place(editor, issue, first, "助力攻坚")
    place(editor, issue, second, "助力攻坚")
    with chromium_page() as page:
        log_in(page, live_server.url, "bianji")
        page.goto(f"{live_server.url}{reverse('issue_assemble', args=[issue.pk])}")
        page.evaluate("window.sameDocument = true")  # gone if the page reloads
        toc = page.locator("#toc")
        zl = page.locator(f'.section-count[data-section-id="{Section.objects.get(name="助力攻坚").pk}"]')
        jd = page.locator(f'.section-count[data-section-id="{Section.objects.get(name="监督纵横").pk}"]')
        assert zl.inner_text() == "2 篇" and jd.inner_text() == "0 篇"

        # 移至 never offers the section the item is in.
        item = page.get_by_role("listitem", name="西湖区：第一篇")
        options = item.locator(".section-form select option").all_inner_texts()
        assert "助力攻坚" not in options and "监督纵横" in options

        # Move it to 监督纵横 with 移至: counts, 目录 and the choices follow at once.
        item.locator(".section-form select").select_option(label="监督纵横")
        item.get_by_role("button", name="移至").click()
        page.locator("#arrange-status", has_text="顺序已保存").wait_for()  # no eval: the CSP forbids it
        assert section_titles(page, "监督纵横") == ["西湖区：第一篇"]
        assert zl.inner_text() == "1 篇" and jd.inner_text() == "1 篇"
        assert "监督纵横" in toc.inner_text() and "第一篇" in toc.inner_text()
        options = item.locator(".section-form select option").all_inner_texts()
        assert "监督纵横" not in options and "助力攻坚" in options

        # Drag it back above 第二篇: the 目录 shows the new order.
        target = page.get_by_role("listitem", name="西湖区：第二篇")
        page.get_by_role("listitem", name="西湖区：第一篇").drag_to(target, target_position={"x": 40, "y": 4})
        wait_until(page, lambda: 0 <= toc_text(page).find("第一篇") < toc_text(page).find("第二篇"))
        assert zl.inner_text() == "2 篇" and jd.inner_text() == "0 篇"

        # The ↓ button moves it below again, without a reload.
        page.get_by_role("button", name="下移《西湖区：第一篇》").click()
        wait_until(page, lambda: 0 <= toc_text(page).find("第二篇") < toc_text(page).find("第一篇"))
        assert section_titles(page, "助力攻坚") == ["西湖区：第二篇", "西湖区：第一篇"]
        assert page.evaluate("window.sameDocument === true")


def test_queue_on_a_phone_keeps_titles_readable(live_server, editor, contributor):
    """At 390 px the queue's title column was squeezed to three or four characters a line
    (and 建议栏目 to one): titles keep a readable width and the table scrolls sideways."""
    submitted_piece(contributor, "西湖区：“点、线、面”结合助力优化营商环境")
    with chromium_page(viewport={"width": 390, "height": 844}) as page:
        log_in(page, live_server.url, "bianji")
        page.goto(f"{live_server.url}{reverse('review_queue')}")
        title_cell = page.locator("tbody td").first
        assert title_cell.bounding_box()["width"] >= 11 * 16, title_cell.bounding_box()
        line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('thead th')).lineHeight)")
        for header in page.locator("thead th").all():
            assert header.bounding_box()["height"] < 2 * line + 16, header.inner_text()


def test_a_second_click_does_not_send_a_review_form_twice(live_server, editor, contributor):
    """While the answer to 发送留言 is on its way a second click sends nothing: one comment."""
    piece = submitted_piece(contributor, TITLE, body=BODY)
    with chromium_page() as page:
        log_in(page, live_server.url, "bianji")
        page.goto(f"{live_server.url}{reverse('review_detail', args=[piece.pk])}")
        held = []

        def hold_the_first(route):
            held.append(route)
            if len(held) > 1:
                route.continue_()

        page.route("**/comment/", hold_the_first)
        page.get_by_label("留言").fill("请补充数据。")
        send = page.get_by_role("button", name="发送留言")
        send.click(no_wait_after=True)
        while not held:
            page.wait_for_timeout(50)
        # The second click, while the page waits for the answer (a real user's impatience).
        page.keyboard.press("Enter")  # the clicked button has the focus
        page.wait_for_timeout(400)
        sent = len(held)
        held[0].continue_()  # let the first go before any assertion, so the page can close
        assert sent == 1, "the form was sent twice"
        page.get_by_text("留言已发送。").wait_for()  # the answer to the first, once it arrives
    assert piece.comments.count() == 1
