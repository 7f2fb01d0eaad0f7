"""Search on the printed text (issue 14, case backissue/09) and published search reading
the frozen text (issue 12): the field kept by the actions, its index, the result page."""

import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from archive.queries import search_published_items
from archive.search import passage, query_words
from backissues.actions import import_back_issue
from backissues.parsing.parser import parse_issue_text
from bulletin.actions.issues import create_issue
from bulletin.actions.publishing import correct_issue, publish_issue
from bulletin.models import Publication
from bulletin.printed_text import FTS_TABLE, fill_printed_texts, piece_printed_text
from submissions.models import Submission
from tests.issue_helpers import adopted_piece, edit_piece_as_editor, place
from tests.paths import CASES

pytestmark = pytest.mark.django_db

CASE = Path("/work/shared/cases/backissue/09-search-as-printed.txt")
if not CASE.exists():  # the repository's own copy of the shared cases, when there is one
    CASE = CASES / "backissue" / CASE.name


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def titles(**query) -> list[str]:
    return [piece.title for piece in search_published_items(**query)]


@pytest.fixture
def case_issue(editor):
    issue, _ = import_back_issue(
        actor=editor, result=parse_issue_text(CASE.read_text("utf-8")), source_name=CASE.name
    )
    return issue


def test_case_09_search_reads_the_text_as_printed(case_issue):
    article = "临平区：“家门口”联络站打通履职最后一公里"
    # Across the bold boundary of 一是建强阵地。 and the rest of the sentence.
    assert titles(words="建强阵地。全区") == [article]
    # The markup the body is stored in is never searched.
    for word in ("strong", "p", "<p>", "STRONG"):
        assert titles(words=word) == [], word
    # As printed: the number joined to its measure word, full-width punctuation.
    assert titles(words="联络站12个") == [article]
    assert titles(words="12 个") == [article]  # two words, each must occur


def test_short_words_fall_back_and_still_find(case_issue):
    # One and two characters are below the trigram index; the fallback must still answer.
    assert titles(words="联络") == ["临平区：“家门口”联络站打通履职最后一公里"]
    assert len(titles(words="临平")) == 2  # the article and the brief
    assert titles(words="视察") == [Submission.objects.get(adopted_as="brief").title]
    assert titles(words="囧") == []


def test_printed_text_holds_no_markup_and_follows_the_print(case_issue):
    texts = list(
        Submission.objects.filter(placement__issue=case_issue).values_list("printed_text", flat=True)
    )
    assert len(texts) == 2
    assert all("<" not in text and "strong" not in text for text in texts)
    article = next(text for text in texts if text.startswith("临平区："))
    assert "一是建强阵地。全区新建联络站12个，" in article


@pytest.fixture
def published(editor, contributor):
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )
    piece = adopted_piece(
        editor,
        contributor,
        "西湖区：联络站建设提质增效",
        body="<p><strong>一是建强阵地。</strong>全区新建联络站12个。</p><p>下一步，将持续完善机制。</p>",
    )
    place(editor, issue, piece, "代表工作")
    issue.refresh_from_db()
    publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)
    piece.refresh_from_db()
    return issue, piece


def test_an_edit_after_publication_reaches_readers_only_through_a_correction(published, editor):
    issue, piece = published
    assert titles(words="建强阵地。全区") == [piece.title]
    edit_piece_as_editor(
        editor,
        piece,
        title=piece.title,
        body="<p><strong>一是夯实阵地。</strong>全区新建联络站15个。</p><p>下一步，将持续完善机制。</p>",
    )
    # The piece's stored text changed; readers still find what was printed, and only that.
    assert titles(words="建强阵地") == [piece.title]
    assert titles(words="夯实阵地") == []
    correct_issue(actor=editor, issue=issue, note="更正建站数量")
    assert titles(words="建强阵地") == []
    assert titles(words="夯实阵地") == [piece.title]
    assert titles(words="联络站15个") == [piece.title]


def test_unpublished_pieces_keep_their_current_text_for_the_editor(editor, contributor):
    piece = adopted_piece(
        editor, contributor, "西湖区：草稿标题", body="<p><strong>一是</strong>建强阵地。</p>"
    )
    piece.refresh_from_db()
    assert piece.printed_text == "西湖区：草稿标题\n一是建强阵地。"
    edit_piece_as_editor(editor, piece, title="西湖区：新标题", body="<p>新正文。</p>")
    piece.refresh_from_db()
    assert piece.printed_text == "西湖区：新标题\n新正文。"
    assert titles(words="新正文") == []  # not published: readers never find it


def test_a_brief_prints_and_is_found_as_its_brief_text(editor, contributor):
    piece = adopted_piece(
        editor, contributor, "摘登稿", as_brief=True, brief_text="西湖区人大常委会组织代表视察民生实事。"
    )
    piece.refresh_from_db()
    assert piece.printed_text == "西湖区人大常委会组织代表视察民生实事。"
    assert piece_printed_text(piece) == piece.printed_text


def test_the_sqlite_index_follows_the_column(published):
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table is SQLite's index")
    _, piece = published
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT printed_text FROM {FTS_TABLE} WHERE rowid = %s", [piece.pk])
        assert cursor.fetchone()[0] == piece.printed_text


def test_the_fill_for_existing_rows_gives_what_the_actions_give(published, case_issue):
    before = dict(Submission.objects.values_list("pk", "printed_text"))
    Submission.objects.update(printed_text="")
    assert titles(words="建强阵地。全区") == [] or connection.vendor == "sqlite"
    fill_printed_texts()
    assert dict(Submission.objects.values_list("pk", "printed_text")) == before
    assert len(titles(words="建强阵地。全区")) == 2


def test_full_width_letters_and_digits_find_the_half_width_print_and_back(case_issue, editor, contributor):
    """A Chinese input method in full-width mode sends ＡＩ and １２; the print keeps letters
    and digits as their author typed them (review 15b)."""
    article = "临平区：“家门口”联络站打通履职最后一公里"
    assert titles(words="联络站１２个") == [article]  # trigram index
    assert titles(words="１２") == [article]  # scan
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 6, 1))
    piece = adopted_piece(
        editor, contributor, "智能助手上线", body="<p>区人大启用ＡＩ助手，服务１２３位代表。</p>"
    )
    place(editor, issue, piece, "代表工作")
    issue.refresh_from_db()
    publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)
    assert titles(words="AI") == ["智能助手上线"]
    assert titles(words="123位") == ["智能助手上线"]
    assert titles(words="ＡＩ助手") == ["智能助手上线"]
    shown = str(passage("区人大启用ＡＩ助手。", ["AI"]))
    assert "<mark>ＡＩ</mark>" in shown
    assert "<mark>12</mark>" in str(passage("联络站12个", ["１２"]))


def test_words_beyond_the_eighth_are_named_as_not_searched(case_issue, client_for, reader):
    """Every word must occur, at most eight: a ninth is not silently dropped (review 15b)."""
    query = "临平 联络 代表 人大 常委会 工作 区 履职 囧 昰"
    page = client_for(reader).get(reverse("archive"), {"q": query}).content.decode()
    assert "只按前 8 个词搜索，未用：囧 昰" in page
    assert "未用" not in client_for(reader).get(reverse("archive"), {"q": "临平 联络"}).content.decode()


def test_query_words_are_normalised_like_the_print():
    assert query_words(' 12 个  "家门口" ') == ["12", "个", "“家门口”"]
    assert len(query_words("一 二 三 四 五 六 七 八 九 十")) == 8


def test_passage_is_escaped_and_highlights_every_word():
    text = "标题\n" + "前文" * 40 + "<b>建强阵地</b>，全区新建联络站。" + "后文" * 40
    shown = str(passage(text, ["建强阵地", "联络站"]))
    assert "&lt;b&gt;<mark>建强阵地</mark>&lt;/b&gt;" in shown
    assert "<mark>联络站</mark>" in shown
    assert shown.startswith("…") and shown.endswith("…")
    assert len(passage("短文。", [])) == 3


def test_results_page_shows_the_passage_highlighted_and_dated(case_issue, client_for, reader):
    page = client_for(reader).get(reverse("archive"), {"q": "建强阵地。全区"}).content.decode()
    assert "<mark>建强阵地。全区</mark>" in page
    assert "共 1 条" in page and "2024年5月20日" in page
    assert "&lt;strong&gt;" not in page and "<strong>" not in page.split("search-results")[1]


def test_results_are_paged_twenty_and_newest_first(editor, contributor, client_for, reader):
    publication = Publication.objects.get(name="杭州人大信息")
    for month in range(1, 4):
        issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, month, 10))
        for n in range(9):
            piece = adopted_piece(editor, contributor, f"第{month}期稿件{n}", body="<p>共同的词语。</p>")
            place(editor, issue, piece, "代表工作")
        issue.refresh_from_db()
        publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)
    found = list(search_published_items(words="共同的词语"))
    assert len(found) == 27
    dates = [piece.placement.issue.date for piece in found]
    assert dates == sorted(dates, reverse=True)
    client = client_for(reader)
    first = client.get(reverse("archive"), {"q": "共同的词语"}).content.decode()
    second = client.get(reverse("archive"), {"q": "共同的词语", "page": 2}).content.decode()
    assert first.count("search-passage") == 20 and second.count("search-passage") == 7
    assert "第 1 / 2 页" in first and "第3期稿件" in first and "第1期稿件" in second


def test_two_character_words_use_the_bigram_index_and_find_only_real_pairs(case_issue):
    from bulletin.printed_text import bigrams

    assert bigrams("建强阵地") == "建强 强阵 阵地"
    # 阵地 occurs; 地全 spans "。" in the print (阵地。全区) and must not be found.
    assert len(titles(words="阵地")) == 1
    assert titles(words="地全") == []
    assert titles(words="地。") != []  # with punctuation: the scan, still right
    assert len(titles(words="代表 联络")) == 1


def test_a_result_shows_the_printed_title_until_a_correction(published, editor, client_for, reader):
    issue, piece = published
    edit_piece_as_editor(editor, piece, title="西湖区：改过的标题", body=piece.body)
    page = client_for(reader).get(reverse("archive"), {"q": "建强阵地"}).content.decode()
    assert "西湖区：联络站建设提质增效" in page and "改过的标题" not in page


def test_a_title_found_across_its_two_lines(editor, contributor):
    piece = adopted_piece(
        editor, contributor, "建德市：新安江街道多措并举", subtitle="扎实践行全过程人民民主"
    )
    piece.refresh_from_db()
    assert piece.printed_text.startswith("建德市：新安江街道多措并举扎实践行全过程人民民主\n")


def test_the_postgresql_bigram_lookup_leaves_the_planner_as_it_was(case_issue):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    from django.db import transaction

    with transaction.atomic():
        assert titles(words="阵地") != []
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "on"


def test_rebuild_search_index_command_restores_what_the_actions_wrote(case_issue):
    from io import StringIO

    from django.core.management import call_command

    before = dict(Submission.objects.values_list("pk", "printed_text"))
    Submission.objects.update(printed_text="")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
    assert titles(words="建强阵地。全区") == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "已重建 2 篇" in out.getvalue()
    assert dict(Submission.objects.values_list("pk", "printed_text")) == before
    assert len(titles(words="建强阵地。全区")) == 1
