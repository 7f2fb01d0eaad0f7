"""Quotes at entry (text.normalize.pair_quotes and the doors that call it): straight " and '
become “” ‘’ where the pairing is sure, stay as written where it is not, and the change is
named. The right values are written out here, one per situation; the texts are real
paragraphs of the seeds (tests/fixtures/seeds) and the kinds of text contributors type."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intake.docx_import import import_document
from printing.typography import normalize_text as print_text
from submissions.models import Submission
from tests.word_files import b, build_docx, p, r
from text.normalize import normalize_line, normalize_paragraph, pair_quotes, recording, resolve_quotes
from text.richtext import sanitize_body

# 2024-06, 富阳区, the paragraph as the PDF's text has it (half-width commas, a space after
# the first closing quote). Once the first quote is misread every later one is reversed.
SEED_2024_06 = (
    "近日,富阳区人大常委会出台《杭州市富阳区人大常委会关于进一步提升监督实效的实施意见(试行)》,"
    '探索运用"四个+" 监督工作法,凝聚监督合力,助推人大监督"督"出实效。'
)
SEED_2024_06_STORED = (
    "近日,富阳区人大常委会出台《杭州市富阳区人大常委会关于进一步提升监督实效的实施意见(试行)》,"
    "探索运用“四个+”监督工作法,凝聚监督合力,助推人大监督“督”出实效。"
)

# (what the contributor typed, what is stored): one row per situation.
PAIRED = [
    pytest.param(SEED_2024_06, SEED_2024_06_STORED, id="seed-2024-06-space-after-closing"),
    # 2024-06, 钱塘区: single quotes inside double ones (GB/T 15834 §4.1.3.2).
    pytest.param(
        "深入开展\"双岗建功助力'创新提质'、持续推动'八八战略'走深走实主题活动\",充分发挥高校代表\"团组\"作用",
        "深入开展“双岗建功助力‘创新提质’、持续推动‘八八战略’走深走实主题活动”,充分发挥高校代表“团组”作用",
        id="seed-nested",
    ),
    # 2024-06, 上城区: a closing quote after a digit closes the open quotation.
    pytest.param(
        '优化形成"1+14+61+144"区级代表联络总站、街道中心站、片区联络站和网格联系点四级体系',
        "优化形成“1+14+61+144”区级代表联络总站、街道中心站、片区联络站和网格联系点四级体系",
        id="seed-digits-inside",
    ),
    # 2024-06, 淳安县: a space before the opening quote (the PDF's), removed with the quote.
    pytest.param(
        '一是锚定颜值提升"发力点",依法履职见实效。深入开展 "美丽杭州"创建专项督查',
        "一是锚定颜值提升“发力点”,依法履职见实效。深入开展“美丽杭州”创建专项督查",
        id="seed-space-before-opening",
    ),
    pytest.param(
        '使用"Office"软件汇总"40%"的问卷', "使用“Office”软件汇总“40%”的问卷", id="latin-and-sign-inside"
    ),
    pytest.param(
        "O'Neil先生说\"it's OK\"，双方签约。", "O'Neil先生说“it's OK”，双方签约。", id="apostrophes-kept"
    ),
    pytest.param('推进DRG"三医联动"改革', "推进DRG“三医联动”改革", id="opening-after-a-latin-letter"),
    pytest.param("他说'it's OK'，就签了。", "他说‘it's OK’，就签了。", id="apostrophe-inside-single"),
    pytest.param(
        "他说\"要推广'it’s OK'的做法\"。", "他说“要推广‘it’s OK’的做法”。", id="curly-apostrophe-nested"
    ),
    pytest.param('他说:"要落实。"会后,代表们离场。', "他说:“要落实。”会后,代表们离场。", id="colon-and-stop"),
    pytest.param("推进'十四五'规划实施。", "推进‘十四五’规划实施。", id="single-only"),
    pytest.param(
        '\'24年以来，推进"三个一"工作。', "'24年以来，推进“三个一”工作。", id="shortened-year-beside-quotes"
    ),
    # Before a space a quote closes, after one it opens: the reading is sure.
    pytest.param(
        '会议强调"要落实" "要见效"。', "会议强调“要落实”“要见效”。", id="space-between-two-quotations"
    ),
    # Curly and straight quotes in one paragraph.
    pytest.param('探索运用“四个+" 监督工作法', "探索运用“四个+”监督工作法", id="curly-then-straight"),
    pytest.param(
        '推进"三化"建设，落实“最多跑一次”改革',
        "推进“三化”建设，落实“最多跑一次”改革",
        id="straight-then-curly",
    ),
    # A curly quote turned the wrong way, where its place leaves no doubt.
    pytest.param("他说：“要落实。“", "他说：“要落实。”", id="curly-second-must-close"),
    pytest.param("”四个一”工作机制全面推行。", "“四个一”工作机制全面推行。", id="curly-first-must-open"),
    # A paragraph is one text even when a line end (a PDF line, a soft break) is inside it.
    pytest.param(
        '落实"青年安居"\n工程,高水平建设"美好\n教育"',
        "落实“青年安居”\n工程,高水平建设“美好\n教育”",
        id="across-line-ends",
    ),
    pytest.param('深入开展\n"美丽杭州"创建', "深入开展\n“美丽杭州”创建", id="after-a-line-end"),
    # A quotation over several paragraphs opens each and closes in the last (§4.1.3.4).
    pytest.param('"我们要坚持人民至上，', "“我们要坚持人民至上，", id="continued-quotation"),
    # Full-width ＂ ＇ (a Chinese input method's straight quotes) are straight quotes.
    pytest.param("＂四个+＂监督工作法在全区推开。", "“四个+”监督工作法在全区推开。", id="full-width-double"),
    pytest.param("推进＇十四五＇规划实施。", "推进‘十四五’规划实施。", id="full-width-single"),
    pytest.param(
        "他说：＂要推进'十四五'规划。＂会后代表们离场。",
        "他说：“要推进‘十四五’规划。”会后代表们离场。",
        id="full-width-and-half-width-nested",
    ),
    # 〝〞 (some CJK typesetting's pair) and ‟ become GB/T 15834's “”.
    pytest.param("开展〝回头看〞专项监督。", "开展“回头看”专项监督。", id="double-prime-pair"),
    pytest.param("开展‟回头看”专项监督。", "开展“回头看”专项监督。", id="reversed-nine-opening"),
    pytest.param(
        '开展〝回头看〞和"三服务"活动。', "开展“回头看”和“三服务”活动。", id="double-prime-and-straight"
    ),
]

# Stored exactly as written: not quotes, not Chinese, or the pairing is in doubt. The third
# value: offsets where the pairing failed (the 校对 finding's places).
AS_WRITTEN = [
    pytest.param('屏幕尺寸为55"，身高5\'10"。', (), id="inch-and-prime"),
    pytest.param("学生们的students' books，it's。", (), id="possessive-and-apostrophe"),
    pytest.param('采购55"电视和32"显示器', (), id="two-inch-marks"),
    pytest.param("'24年全区开展活动10场", (), id="shortened-year"),  # two_digit_year names it
    pytest.param('He said "hello" to the deputies.', (), id="latin-only-line"),
    pytest.param('共"三个力"要求"落实。', (8,), id="odd-count"),  # the quote left open
    pytest.param('他说 " 要落实。', (3,), id="between-spaces"),
    pytest.param("开展“回头看督查，“三个力”", (), id="curly-only-in-doubt"),  # paired_marks says it
    pytest.param("深入开展'创新提质活动。", (4,), id="single-left-open"),
    pytest.param("落实\"有件必备'要求\"，'有备必审。", (10,), id="pairs-cross"),
    pytest.param("屏幕尺寸为55＂。", (), id="full-width-inch-mark"),
    pytest.param("开展〝回头看专项监督。", (2,), id="double-prime-left-open"),
]

# Straight quotes inside straight quotes of the same kind: contributors type " inside "
# (GB/T 15834—2011 §4.1.3.2 wants ‘’ inside). Where a quotation opened at a clause's start
# would close between two Chinese characters while a later quote of the sentence closes at
# a clause's end, nothing in the marks tells nesting from quotations in a row: kept as
# written, named at the quote after the outer opening one. Where the reading is sure, the
# sentence pairs. (typed, stored, offsets named): stored is typed when offsets are named.
NESTING = [
    # In doubt: these are nested quotations (what the contributor meant is ‘’ inside).
    pytest.param('代表们认为，"这是一次"走心"的视察"。', None, (11,), id="after-a-comma"),
    pytest.param('他说："我们要发扬"钉钉子"精神"。', None, (9,), id="after-a-colon"),
    pytest.param('他强调："要把"两个联系"落到实处。"', None, (7,), id="stop-inside-the-quotation"),
    pytest.param('"让"代表之家"成为群众之家"，是我们的目标。', None, (2,), id="at-the-paragraph-start"),
    pytest.param('群众说，"这才是"接地气"的联络站"，点赞声不断。', None, (8,), id="closing-before-a-comma"),
    pytest.param(
        '代表表示，"这次"回头看"很有必要"；下一步将持续跟进。', None, (8,), id="closing-before-a-semicolon"
    ),
    pytest.param('有代表说，"这是"三服务"和"三联系"的成果"。', None, (8,), id="two-inside"),
    pytest.param('代表们认为，"这是一次"走心"的视察" 。', None, (11,), id="space-before-the-stop"),
    pytest.param('他说："这是"走心"的视察。"会后代表们离场。', None, (6,), id="stop-then-text"),
    pytest.param('群众评价"这是"暖心"工程"，纷纷点赞。', None, (7,), id="after-a-word-of-judging"),
    pytest.param('他说"要把"群众满意"作为标准"。', None, (5,), id="after-a-word-of-saying"),
    pytest.param('“这是一次"走心"的视察”，代表们说。', None, (5,), id="straight-inside-typed-curly"),
    pytest.param(
        "他说：“要把'群众满意'作为标准”。", "他说：“要把‘群众满意’作为标准”。", (), id="singles-inside-curly"
    ),
    pytest.param(
        '代表说"三服务""三联系"成效明显。', "代表说“三服务”“三联系”成效明显。", (), id="saying-then-two-terms"
    ),
    pytest.param(
        '代表们认为，"这是一次"走心"的视察"，"也是"暖心"的视察"。', None, (11, 23), id="two-sentences-of-it"
    ),
    pytest.param('他说，"既要"走心"又要"暖心""。', None, (6,), id="inner-closing-beside-outer"),
    pytest.param('他说："要落实"有件必备"要求"', None, (7,), id="after-a-word-of-saying-no-stop"),
    pytest.param("代表们认为，＂这是一次＂走心＂的视察＂。", None, (11,), id="full-width"),
    pytest.param("他说：'这是'走心'的视察'。", None, (6,), id="single-in-single"),
    pytest.param('（"这是"走心"的视察"）', None, (4,), id="in-brackets"),
    # Sure: quotations in a row, each a term (the seeds' and the office's usual texts).
    pytest.param(
        '探索运用"四个+" 监督工作法,凝聚监督合力,助推人大监督"督"出实效。',
        "探索运用“四个+”监督工作法,凝聚监督合力,助推人大监督“督”出实效。",
        (),
        id="seed-2024-06",
    ),
    pytest.param(
        '近日,"四个+"监督工作法在全区推开,助推人大监督"督"出实效。',
        "近日,“四个+”监督工作法在全区推开,助推人大监督“督”出实效。",
        (),
        id="first-closes-after-a-sign",
    ),
    pytest.param(
        '深化"三服务""三联系"活动，推动代表履职。',
        "深化“三服务”“三联系”活动，推动代表履职。",
        (),
        id="names-in-a-row",
    ),
    pytest.param(
        '"三服务""三联系"成为常态。', "“三服务”“三联系”成为常态。", (), id="names-in-a-row-at-start"
    ),
    pytest.param(
        '全区开展"人大代表+网格员"活动，成效明显。',
        "全区开展“人大代表+网格员”活动，成效明显。",
        (),
        id="one-quotation",
    ),
    pytest.param(
        '上城区:"三坚持"激活代表履职"动力源"', "上城区:“三坚持”激活代表履职“动力源”", (), id="title"
    ),
    pytest.param(
        '萧山区："最多跑一次"改革让群众"少跑腿"',
        "萧山区：“最多跑一次”改革让群众“少跑腿”",
        (),
        id="title-full-colon",
    ),
    pytest.param(
        '区人大常委会健全机制，"两个联系"制度和"一线工作法"深入推进。',
        "区人大常委会健全机制，“两个联系”制度和“一线工作法”深入推进。",
        (),
        id="joined-by-he",
    ),
    pytest.param(
        '区人大常委会坚持"两个联系"制度，"一线工作法"深入推进。',
        "区人大常委会坚持“两个联系”制度，“一线工作法”深入推进。",
        (),
        id="comma-between",
    ),
    pytest.param(
        '"最多跑一次"改革深入推进，打造"两个联系"升级版。',
        "“最多跑一次”改革深入推进，打造“两个联系”升级版。",
        (),
        id="clause-between",
    ),
    pytest.param(
        '"代表联络站"建设纳入"民生实事"项目。',
        "“代表联络站”建设纳入“民生实事”项目。",
        (),
        id="no-clause-end-after",
    ),
    pytest.param(
        '深化"两个联系"推动"三服务"落地。',
        "深化“两个联系”推动“三服务”落地。",
        (),
        id="opened-inside-a-sentence",
    ),
    pytest.param(
        '代表的角色，"要我履职"变成"我要履职"。',
        "代表的角色，“要我履职”变成“我要履职”。",
        (),
        id="a-word-between-two-terms",
    ),
    pytest.param(
        '"代表联络站"建设列入全区年度民生实事重点工作"清单"。',
        "“代表联络站”建设列入全区年度民生实事重点工作“清单”。",
        (),
        id="longer-than-a-term-between",
    ),
    pytest.param(
        '"最多跑一次"改革（含"一件事"集成改革）全面推开。',
        "“最多跑一次”改革（含“一件事”集成改革）全面推开。",
        (),
        id="bracket-between",
    ),
    pytest.param(
        '代表们认为，"这是一次走心的视察"。', "代表们认为，“这是一次走心的视察”。", (), id="no-quote-inside"
    ),
    pytest.param(
        "代表们认为，\"这是一次'走心'的视察\"。",
        "代表们认为，“这是一次‘走心’的视察”。",
        (),
        id="nested-as-the-rule-says",
    ),
    pytest.param(
        '代表们认为，"这是一次‘走心’的视察"。',
        "代表们认为，“这是一次‘走心’的视察”。",
        (),
        id="nested-curly-inside",
    ),
]


@pytest.mark.parametrize(("typed", "stored"), PAIRED)
def test_quotes_are_paired(typed, stored):
    assert resolve_quotes(typed) == stored
    assert pair_quotes(typed).unpaired == ()
    assert resolve_quotes(stored) == stored  # idempotent
    if "\n" not in typed:  # (a paragraph field makes line ends spaces first)
        assert normalize_paragraph(typed) == stored


@pytest.mark.parametrize(("typed", "unpaired"), AS_WRITTEN)
def test_quotes_in_doubt_are_kept_as_written(typed, unpaired):
    pairing = pair_quotes(typed)
    assert pairing.text == typed
    assert pairing.unpaired == unpaired
    assert normalize_paragraph(typed) == typed


@pytest.mark.parametrize(("typed", "stored", "named"), NESTING)
def test_a_quotation_that_may_be_nested_is_kept_and_named(typed, stored, named):
    pairing = pair_quotes(typed)
    assert pairing.unpaired == named
    assert pairing.nested == named
    assert all(typed[at] in "\"'＂" for at in named)
    if named:
        assert pairing.text == typed
    assert normalize_paragraph(typed) == (typed if named else stored)


def test_a_title_line_is_paired():
    assert normalize_line('淳安县:"三点发力"助推乡村振兴') == "淳安县:“三点发力”助推乡村振兴"
    assert normalize_line('上城区:"三坚持"激活代表履职"动力源"') == "上城区:“三坚持”激活代表履职“动力源”"
    # A title may part its two phrases with a space; the space stays.
    assert normalize_line('钱塘区:"三力"齐发 助力青年发展') == "钱塘区:“三力”齐发 助力青年发展"
    assert normalize_line('拱墅区:"三个+" 让律所更接地气') == "拱墅区:“三个+” 让律所更接地气"


# --- the body: paste, the editor, a textarea ------------------------------------------------


def test_body_quotes_pair_across_bold_and_regular_runs():
    html = '<p><strong>二是开展"范式</strong>监督"+重点问题清单听询。</p><p>三是开展"单式监督"+协同贯通。</p>'
    assert sanitize_body(html) == (
        "<p><strong>二是开展“范式</strong>监督”+重点问题清单听询。</p><p>三是开展“单式监督”+协同贯通。</p>"
    )


def test_textarea_body_pairs_each_line_as_a_paragraph():
    assert sanitize_body(SEED_2024_06 + "\n" + '共"三个力"要求"落实。') == (
        f"<p>{SEED_2024_06_STORED}</p>" + '<p>共"三个力"要求"落实。</p>'
    )


def test_the_print_pairs_with_the_same_algorithm():
    # Text stored before entry paired its quotes prints paired; a paragraph in doubt as written.
    assert print_text('探索运用"四个+" 监督工作法,助推人大监督"督"出实效') == (
        "探索运用“四个+”监督工作法，助推人大监督“督”出实效"
    )
    assert print_text('共"三个力"要求"落实。') == '共"三个力"要求"落实。'


# --- what is named -------------------------------------------------------------------------


def test_the_changes_are_named():
    with recording() as changes:
        normalize_paragraph(SEED_2024_06)
        normalize_paragraph('共"三个力"要求"落实。')
        normalize_paragraph("他说：“要落实。“")
    notes = changes.notes()
    assert notes[0] == '直引号 4 处改为中文引号（如「探索运用"四个+"」→「探索运用“四个+”」）。'
    assert notes[1] == "方向反了的引号 1 处已改正（如「要落实。“」→「要落实。”」）。"
    assert notes[2] == "引号外侧多余的空格 1 处已去掉。"
    assert (
        notes[3].startswith("引号无法自动配对，已按原样保存，请核对并改为中文引号：「")
        and "三个力" in notes[3]
    )


def test_other_forms_of_quote_are_named():
    with recording() as changes:
        normalize_paragraph("开展〝回头看〞专项监督，落实＂四个+＂工作法。")
    assert changes.notes() == [
        "直引号 2 处改为中文引号（如「督，落实＂四个+＂」→「督，落实“四个+”」）。",
        "〝〞等异体引号 2 处改为“”‘’（如「开展〝回头看〞」→「开展“回头看”」）。",
    ]


def test_nothing_is_named_for_text_already_right():
    with recording() as changes:
        normalize_paragraph(SEED_2024_06_STORED)
        sanitize_body(f"<p>{SEED_2024_06_STORED}</p>")
    assert changes.notes() == []


@pytest.mark.django_db
def test_the_save_names_the_quotes_it_paired(client_for, contributor):
    response = client_for(contributor).post(
        reverse("piece_create"), {"title": '富阳区:"四个+"监督工作法', "body": SEED_2024_06}, follow=True
    )
    piece = Submission.objects.get()
    assert piece.title == "富阳区:“四个+”监督工作法"
    assert piece.body == f"<p>{SEED_2024_06_STORED}</p>"
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("直引号 6 处改为中文引号（") for m in shown), shown


def test_word_import_names_the_quotes_it_paired():
    title = p(b('淳安县:"三点发力"助推乡村振兴'), ppr='<w:jc w:val="center"/>')
    body = p(r('探索运用"四个+" 监督工作法,'), b('助推人大监督"督"'), r("出实效。")) + p(
        r('共"三个力"要求"落实。')
    )
    result = import_document(build_docx(title + body))
    assert result.title == "淳安县:“三点发力”助推乡村振兴"
    assert result.body_html == (
        "<p>探索运用“四个+”监督工作法,<strong>助推人大监督“督”</strong>出实效。</p>"
        '<p>共"三个力"要求"落实。</p>'
    )
    assert '直引号 6 处改为中文引号（如「淳安县:"三点发力」→「淳安县:“三点发力」）。' in result.kept
    assert any(note.startswith("引号无法自动配对，已按原样保存") for note in result.kept)
