"""The import review of struck-through text: the contributor sees each struck passage
struck, with its context, and keeps or drops it (dropped by default); the draft form then
holds the body as chosen. The Word file is the real case file of a manual "deletion"."""

import pytest
from django.urls import reverse

from submissions.models import ImportJob, Submission
from tests.browser import chromium_page, log_in, save_screenshot
from tests.imports import draft_url, import_word, reread_struck
from tests.paths import CASES

STRUCK_CASE = CASES / "word3" / "04-strikethrough-manual-edit.docx"


def upload(client):
    return import_word(client, "联络站.docx", STRUCK_CASE.read_bytes())


@pytest.mark.django_db
def test_the_review_shows_struck_text_struck_and_out_of_the_body(client_for, contributor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = upload(client_for(contributor)).content.decode()
    assert "删除线文字 2 处未导入：“15个”、“计划于年底前完成全部站点的标准化改造。”" in page
    assert '<s class="text-danger">15个</s>' in page
    assert (
        "全区共建成代表联络站<s" in page.replace('<s class="text-danger">', "<s")
        and "第 2 段中，句中，未导入" in page
    )
    assert "第 3 段中，整句，未导入" in page
    assert "全区共建成代表联络站12个，实现街道全覆盖。" in page  # in the body textarea
    assert "15个12个" not in page
    assert (
        'name="keep" value="0"' in page
        and "checked" not in page.split("struck-choice")[1].split("</form>")[0]
    )


@pytest.mark.django_db
def test_keeping_a_struck_passage_reads_the_body_again_with_it(client_for, contributor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(contributor)
    imported = upload(client)
    response = reread_struck(client, imported, ["0", "99", "x"])
    page = response.content.decode()
    assert "已按您的选择重新读入：删除线文字保留 1 处，未导入 1 处。" in page
    assert "全区共建成代表联络站15个12个，实现街道全覆盖。" in page
    assert "删除线文字 1 处已按您的选择导入：“15个”" in page
    assert 'value="0" id="keep-struck-0" checked' in page
    # Unticking everything goes back to the default.
    response = reread_struck(client, response, [])
    page = response.content.decode()
    assert "15个12个" not in page and "删除线文字 2 处未导入" in page
    # The draft saves what the form holds; the waiting file becomes its source.
    client.post(
        draft_url(response),
        {"title": "西湖区：“三化”推进代表联络站建设", "body": "<p>全区共建成代表联络站12个。</p>"},
    )
    assert Submission.objects.get().source_docx
    assert not ImportJob.objects.exists()  # the job and its waiting files are gone with the save


@pytest.mark.django_db
def test_a_choice_without_a_waiting_import_is_refused_kindly(client_for, contributor):
    response = client_for(contributor).post(reverse("piece_import_struck"), {"keep": "0"}, follow=True)
    assert "导入的文件已过期，请重新上传。" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("piece_import")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_the_struck_text_choice_in_a_browser(live_server, settings, tmp_path, contributor, width):
    settings.MEDIA_ROOT = tmp_path / "media"
    with chromium_page(viewport={"width": width, "height": 900}) as page:
        log_in(page, live_server.url, "xihu")
        page.goto(f"{live_server.url}{reverse('piece_import')}")
        page.get_by_label("Word / WPS 文件").set_input_files(str(STRUCK_CASE))
        page.get_by_role("button", name="读取文件").click()
        page.get_by_text("删除线文字 2 处未导入").wait_for()
        choice = page.locator(".struck-choice")
        assert choice.locator("s").all_inner_texts() == ["15个", "计划于年底前完成全部站点的标准化改造。"]
        box = choice.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width  # nothing runs off a phone
        page.screenshot(path=str(tmp_path / f"struck-{width}.png"), full_page=True)
        if width == 1366:
            save_screenshot(page, "piece-import-struck", locator=page.locator(".alert-info"))
        page.get_by_label("计划于年底前完成全部站点的标准化改造。", exact=False).check()
        page.get_by_role("button", name="按勾选重新读入正文").click()
        page.get_by_text("已按您的选择重新读入").wait_for()
        body = page.locator(".richtext-area").inner_text()
        assert "下一步，将组织代表每月进站接待群众。计划于年底前完成全部站点的标准化改造。" in body
        assert "15个" not in body
