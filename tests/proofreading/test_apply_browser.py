"""One-step corrections in a real browser: on the review page, 全部改正 on a pasted piece
full of half-width commas, pressed from the keyboard; on the assembly page, 改为「部署」 in
the fetched 校对 panel, which comes back with the result and the focus on it."""

import datetime
import os

import pytest
from django.urls import reverse

from bulletin.actions.issues import create_issue
from bulletin.models import Publication
from proofreading.models import Term
from submissions.models import Event
from tests.browser import chromium_page, log_in, save_screenshot, wait_until
from tests.issue_helpers import adopted_piece, place, submitted_piece

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASTED = (
    "<p>今年以来,西湖区人大常委会聚焦代表联络站建设,推动代表工作提质增效,取得明显成效。</p>"
    "<p><strong>一是建强阵地。</strong>全区新建联络站12个,面积共3200m<sup>2</sup>,实现镇街全覆盖。</p>"
    "<p><strong>二是完善机制。</strong>建立代表定期接待群众制度,收集意见建议86条,精心布署办理。</p>"
)
# Pictures to look at, not the manual's (those are save_screenshot's, when asked for).
SHOTS = os.environ.get("BULLETIN_FIX_SHOTS", "")


def shot(page, name: str, width: int) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=False)


@pytest.mark.parametrize("width", [1366, 390])
def test_all_commas_corrected_from_the_review_page_and_one_from_the_issue_panel(
    live_server, width, editor, contributor
):
    Term.objects.update_or_create(preferred="部署", defaults={"variants": "布署", "active": True})
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=PASTED)
    with chromium_page(viewport={"width": width, "height": 800}) as page:
        log_in(page, live_server.url, "bianji")
        page.goto(f"{live_server.url}{reverse('review_detail', args=[piece.pk])}#proofreading")
        panel = page.locator("#proofreading")
        button = panel.get_by_role("button", name="半角标点：全部改正（7 处）")
        button.scroll_into_view_if_needed()
        shot(page, "review-fixes", width)
        if width == 1366:
            save_screenshot(page, "review-fixes", locator=panel)
        assert panel.get_by_role("button", name="改为「，」").count() == 7
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        # The page comes back at the panel, its result at the panel's top, with the focus.
        result = panel.locator(".proof-messages")
        result.wait_for()
        assert "已改正：,→，（7 处）" in result.inner_text()
        wait_until(page, lambda: page.evaluate("document.activeElement.classList.contains('proof-messages')"))
        assert page.locator(".alert", has_text="已改正").count() == 1  # not again at the page's top
        assert panel.get_by_role("button", name="改为「，」").count() == 0
        assert panel.get_by_role("button", name="改为「部署」").count() == 1
        copy = page.locator("#para-2").inner_text()
        assert "全区新建联络站12个，面积共3200m²，实现镇街全覆盖" in copy
        piece.refresh_from_db()
        assert "<strong>一是建强阵地。</strong>" in piece.body and "m<sup>2</sup>" in piece.body
        in_view = "(() => { const r = document.querySelector('.proof-messages').getBoundingClientRect();"
        in_view += " return r.top >= 0 && r.bottom <= window.innerHeight; })()"
        wait_until(page, lambda: page.evaluate(in_view))  # scrolled there (smoothly)
        shot(page, "review-fixed", width)

        # The assembly page: the panel is fetched; 改为「部署」 posts from it and the panel
        # comes back with the message, which takes the focus.
        publication = Publication.objects.get(name="杭州人大信息")
        issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
        other = adopted_piece(editor, contributor, "西湖区：精心布署民生实事", body=PASTED)
        place(editor, issue, other, "代表工作")
        page.goto(f"{live_server.url}{reverse('issue_assemble', args=[issue.pk])}")
        slot = page.locator("#proofreading")
        fix = slot.get_by_role("button", name="改为「部署」").first
        fix.wait_for()
        fix.scroll_into_view_if_needed()
        shot(page, "issue-fixes", width)
        fix.click()
        wait_until(page, lambda: slot.locator(".proof-messages").count() == 1)
        assert "已改正：布署→部署（1 处）" in slot.locator(".proof-messages").inner_text()
        assert page.evaluate("document.activeElement.classList.contains('proof-messages')")
        assert slot.get_by_role("button", name="改为「部署」").count() == 1
        assert slot.get_by_role("button", name="改为「部署」").is_enabled()
        shot(page, "issue-fixed", width)
    other.refresh_from_db()
    assert Event.objects.filter(submission=other, action="proofreading_fix").count() == 1
    assert other.title.count("部署") + other.body.count("部署") == 1
