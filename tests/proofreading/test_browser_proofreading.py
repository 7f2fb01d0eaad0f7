"""校对 in a real browser: an issue with a doubled word in one piece and a skipped 三是 in
another shows both in the assembly page's 校对 panel, and each link opens the right
piece's review page at the right paragraph."""

import datetime

import pytest
from django.urls import reverse

from bulletin.actions.issues import create_issue
from bulletin.models import Publication
from tests.browser import chromium_page, log_in, save_screenshot
from tests.issue_helpers import adopted_piece, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FILLER = "".join(
    f"<p>第{n}段：区人大常委会围绕中心工作，组织代表深入基层开展调研，听取群众意见建议，形成调研报告并提交区委决策参考。</p>"
    for n in "一二三四五六"
)
DOUBLED = FILLER + "<p>下一步，区人大常委会将持续跟踪督办，推动解决解决群众急难愁盼问题。</p>"
SKIPPED = (
    "<p>今年以来，萧山区人大常委会扎实开展代表主题活动。</p>"
    + FILLER
    + "<p><strong>一是统筹谋划。</strong>成立领导小组，制定活动方案。</p>"
    "<p><strong>二是完善机制。</strong>建立常态化联系制度。</p>"
    "<p><strong>四是精心组织。</strong>依托三级代表联络站体系，听民声、汇民智。</p>"
)


IN_VIEW = """selector => {
  const r = document.querySelector(selector).getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
}"""


@pytest.mark.parametrize("width", [1366, 390])
def test_issue_panel_links_open_the_piece_at_the_paragraph(
    live_server, width, editor, contributor, other_contributor
):
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
    doubled = adopted_piece(editor, contributor, "西湖区：持续跟踪督办民生实事", body=DOUBLED)
    skipped = adopted_piece(editor, other_contributor, "萧山区：扎实开展代表主题活动", body=SKIPPED)
    place(editor, issue, doubled, "助力攻坚")
    place(editor, issue, skipped, "代表工作")

    with chromium_page(viewport={"width": width, "height": 800}) as page:
        log_in(page, live_server.url, "bianji")
        assembly = f"{live_server.url}{reverse('issue_assemble', args=[issue.pk])}"
        page.goto(assembly)
        panel = page.locator("#proofreading")
        panel.locator(".proof-finding").first.wait_for()  # the panel is fetched after the page loads
        assert "“解决”重复" in panel.inner_text()
        assert "序号跳过了“三是”" in panel.inner_text()
        if width == 1366:
            save_screenshot(page, "issue-proofreading", locator=panel)

        for message, piece, paragraph, text in [
            ("“解决”重复", doubled, 7, "解决解决"),
            ("序号跳过了“三是”", skipped, 10, "四是精心组织"),
        ]:
            page.goto(assembly)
            finding = page.locator("#proofreading .proof-finding", has_text=message)
            finding.get_by_role("link").click()
            page.wait_for_load_state()
            assert page.url.endswith(f"{reverse('review_detail', args=[piece.pk])}#para-{paragraph}")
            target = f"#para-{paragraph}"
            assert text in page.inner_text(target)
            assert page.eval_on_selector(target, "el => el.matches(':target')")
            # The paragraph is scrolled into view (again after the editor has loaded).
            page.wait_for_function(IN_VIEW, arg=target)
            assert page.locator(f"{target} mark").first.inner_text() in ("解决解决", "四是")
            if width == 1366 and piece == skipped:
                save_screenshot(page, "review-proofreading", locator=page.locator("#proofreading"))

        # Dismissing a finding from the panel, with a reason, brings the editor back to it.
        page.goto(assembly)
        finding = page.locator("#proofreading .proof-finding", has_text="“解决”重复")
        finding.locator("summary").click()
        finding.get_by_label("忽略理由").fill("引用讲话原文")
        finding.get_by_role("button", name="忽略").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"{reverse('issue_assemble', args=[issue.pk])}#proofreading")
        page.locator("#proofreading summary", has_text="已忽略 1 条").wait_for()
        assert "序号跳过了“三是”" in page.locator("#proofreading").inner_text()
