"""Author names in bylines (text.authors): a name has at least two characters."""

import pytest
from django.urls import reverse

from backissues.parsing.bylines import parse_byline
from bulletin.documents import split_authors
from printing.typography import format_byline, split_author_names
from submissions.models import Submission
from tests.imports import import_word
from text.authors import split_names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("蔡 静 张雄杰", ["蔡静", "张雄杰"]),
        ("钱 苏晚", ["钱苏晚"]),
        ("钱苏晚", ["钱苏晚"]),
        ("金 颖 郭彧杰", ["金颖", "郭彧杰"]),
        ("李 寄 斯董瑾", ["李寄", "斯董瑾"]),
        ("邵羽晨、郭彧杰", ["邵羽晨", "郭彧杰"]),
        ("金\u3000颖", ["金颖"]),
        ("", []),
    ],
)
def test_a_lone_character_joins_the_next_token(text, names):
    result = split_names(text)
    assert result.names == names and result.doubt == ""
    assert split_author_names(text) == names
    assert split_authors(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    # A two-character surname alone is not a name (review 11): 欧阳 苏晚 is one person.
    [("王小 明", ["王小明"]), ("静", ["静"]), ("钱 欧阳苏晚", ["钱欧阳苏晚"]), ("欧阳 苏晚", ["欧阳苏晚"])],
)
def test_a_doubtful_split_keeps_one_name_and_says_so(text, names):
    result = split_names(text)
    assert result.names == names
    assert "无法确定如何拆分，已按一人处理" in result.doubt


def test_printed_bylines():
    assert (
        format_byline("西湖区人大常委会办公室", split_authors("钱 苏晚"))
        == "（西湖区人大常委会办公室\u3000钱苏晚）"
    )
    assert format_byline("上城区人大常委会办公室", split_authors("蔡 静 张雄杰")) == (
        "（上城区人大常委会办公室\u3000蔡\u3000静\u3000张雄杰）"
    )


def test_back_issue_bylines():
    assert parse_byline("（西湖区人大常委会办公室 钱 苏晚）").authors == ["钱苏晚"]
    byline = parse_byline("（西湖区人大常委会办公室 王小 明）")
    assert byline.authors == ["王小明"] and any(kind == "uncertain_authors" for kind, _ in byline.doubts)


@pytest.mark.django_db
def test_the_form_stores_names_and_warns_on_a_doubtful_split(client_for, contributor):
    client = client_for(contributor)
    client.post(reverse("piece_create"), {"title": "一", "body": "正文。", "byline_authors": "蔡 静 张雄杰"})
    assert Submission.objects.get(title="一").byline_authors == "蔡静 张雄杰"
    response = client.post(
        reverse("piece_create"), {"title": "二", "body": "正文。", "byline_authors": "王小 明"}, follow=True
    )
    assert Submission.objects.get(title="二").byline_authors == "王小明"
    assert "无法确定如何拆分" in response.content.decode()


@pytest.mark.django_db
def test_a_doubtful_byline_in_a_word_file_is_flagged_on_the_form(client_for, contributor, settings, tmp_path):
    from tests.word_files import build_docx, p, r

    settings.MEDIA_ROOT = tmp_path
    data = build_docx(p(r("西湖区：标题")) + p(r("正文。")) + p(r("（西湖区人大常委会办公室 钱 苏晚 静）")))
    page = import_word(client_for(contributor), "稿.docx", data)
    html = page.content.decode()
    assert "钱苏晚静" in html and "无法确定如何拆分" in html
