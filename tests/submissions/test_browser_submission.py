"""A piece's whole way in a real browser: import, submit, return, revise, resubmit, adopt."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from playwright.sync_api import expect

from submissions.models import Submission
from tests.browser import chromium_page, log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "西湖区：“点、线、面”结合助力优化营商环境"


def word_file(path) -> None:
    document = Document()
    title = document.add_paragraph(TITLE)
    title.alignment = 1
    document.add_paragraph("西湖区人大常委会坚持将优化法治营商环境作为助力三个“一号工程”的重要抓手。")
    lead = document.add_paragraph()
    lead.add_run("一是精准监督，助力做强商事纠纷调解“点”。").bold = True
    lead.add_run("区人大常委会开展跟踪督查3次。")
    document.add_paragraph("（西湖区人大常委会办公室 钱苏晚）")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


def test_import_submit_return_resubmit_adopt(live_server, settings, tmp_path, contributor, editor):
    settings.MEDIA_ROOT = tmp_path / "media"
    docx_path = tmp_path / "稿件.docx"
    word_file(docx_path)
    base = live_server.url
    with chromium_page() as page:
        # The contributor imports the Word file and reviews it before saving.
        log_in(page, base, "xihu")
        page.get_by_role("link", name="从 Word 导入").click()
        save_screenshot(page, "piece-import")
        page.get_by_label("Word / WPS 文件").set_input_files(str(docx_path))
        page.get_by_role("button", name="读取文件").click()
        page.get_by_text("已从《稿件.docx》读入").wait_for()
        assert page.locator("#id_title").input_value() == TITLE
        editor_area = page.locator(".richtext-area")
        assert editor_area.locator("strong").first.inner_text() == "一是精准监督，助力做强商事纠纷调解“点”。"
        assert page.locator("#id_byline_authors").input_value() == "钱苏晚"
        save_screenshot(page, "piece-form")
        page.get_by_role("button", name="保存草稿").click()
        page.get_by_text("草稿已保存").wait_for()
        save_screenshot(page, "piece-detail-draft")
        page.get_by_label("签发人").fill("李建华")
        page.get_by_role("button", name="报送", exact=True).click()
        page.get_by_text("已报送，等待研究室审核。").wait_for()

        # The editor returns it with a note.
        log_in(page, base, "bianji")
        page.get_by_role("link", name="审稿").first.click()
        page.get_by_role("link", name=TITLE).click()
        page.get_by_role("tab", name="退回修改").click()
        page.locator("#id_note").fill("请补充商会调解中心的成效数据。")
        page.get_by_role("button", name="退回修改").click()
        page.get_by_text("已退回修改，已通知报送单位。").wait_for()

        # The contributor sees the note, edits and resubmits.
        log_in(page, base, "xihu")
        expect(page.get_by_role("link", name=re.compile("通知 1"))).to_have_count(1)
        page.get_by_role("link", name=TITLE).click()
        expect(page.get_by_text("请补充商会调解中心的成效数据。").first).to_be_visible()
        save_screenshot(page, "piece-detail-returned")
        page.get_by_role("link", name="修改").click()
        area = page.locator(".richtext-area")
        area.click()
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        page.keyboard.type("目前商会调解中心已成功调解商事纠纷252件。")
        page.get_by_role("button", name="保存修改").click()
        page.get_by_text("已保存。").wait_for()
        page.get_by_role("button", name="重新报送").click()
        page.get_by_text("已报送，等待研究室审核。").wait_for()

        # The editor adopts it as an article.
        log_in(page, base, "bianji")
        page.goto(base + reverse("review_queue"))
        page.get_by_role("link", name=TITLE).click()
        expect(page.get_by_text("目前商会调解中心已成功调解商事纠纷252件。").first).to_be_visible()
        page.locator("#id_section").select_option(label="助力攻坚")
        page.get_by_role("button", name="采用为文章").last.click()
        page.get_by_text("已采用为文章").first.wait_for()

        # And the unit sees it adopted.
        log_in(page, base, "xihu")
        row = page.get_by_role("row", name=re.compile("点、线、面"))
        assert "已采用" in row.inner_text()

    piece = Submission.objects.get()
    assert (piece.status, piece.adopted_as, piece.suggested_section.name) == (
        "adopted",
        "article",
        "助力攻坚",
    )
    assert "<p>目前商会调解中心已成功调解商事纠纷252件。</p>" in piece.body
    assert [e.action for e in piece.events.all()] == ["submit", "return", "submit", "adopt_article"]
