"""The one door for text (text.normalize), on its own and at every entry point that
is not Word or paste (those have their own test modules): forms, back-issue files in
every encoding, in the browser and in ``import_issue``."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from backissues.parsing.parser import NotAnIssueError, decode_issue_bytes, parse_issue_file
from bulletin.forms import IssueForm
from bulletin.models import Issue
from submissions.forms import PieceForm
from tests import paths
from text.normalize import normalize_block, normalize_line, normalize_paragraph, normalize_text, recording

CASES = paths.CASES
KANGXI_CASE = CASES / "backissue" / "10-kangxi-radicals-extracted.txt"


# --- the module on its own ------------------------------------------------------------


def test_kangxi_and_supplement_radicals_become_ideographs():
    assert normalize_text("杭州⼈⼤信息 ⽬录 家⻔口 ⻓效 ⺠⽣") == "杭州人大信息 目录 家门口 长效 民生"
    # Every Kangxi radical maps to a CJK unified ideograph, none is left.
    for code in range(0x2F00, 0x2FD6):
        mapped = normalize_text(chr(code))
        assert len(mapped) == 1 and unicodedata.name(mapped).startswith("CJK UNIFIED IDEOGRAPH"), hex(code)


def test_full_width_punctuation_is_kept():
    # NFKC of the whole text would make the punctuation half-width; the door does not.
    # Digits and Latin letters are written half-width (GB/T 15835—2011).
    text = "临平区：“家门口”联络站（试点），共１２个；ＡＢ"
    assert normalize_text(text) == "临平区：“家门口”联络站（试点），共12个；AB"


def test_invisible_and_control_characters_are_removed():
    text = "\ufeff代\u200b表\u200c联\u200d络\u200e站\u200f\u202a建\u202e设\u2066工\u2069作\u2060\x00\x07\x1b\x85\x9f\u00ad"
    assert normalize_text(text) == "代表联络站建设工作"


def test_spaces_tabs_and_line_ends():
    assert normalize_text("a\u00a0b\u2003c\u202fd\te") == "a b c d e"
    assert normalize_text("一\r\n二\r三\u2028四") == "一\n二\n三\n四"
    assert normalize_line("  标题\n第二行\u3000 \t ") == "标题 第二行"
    assert normalize_line("金\u3000颖") == "金\u3000颖"  # inside a line U+3000 is kept
    assert normalize_paragraph("\u3000\u3000\u2003今年以来，\u200b区人大 ") == "今年以来，区人大"
    assert normalize_block("送：市领导 \u3000\n\u3000各区人大") == "送：市领导\n\u3000各区人大"


def test_nfc_and_idempotence():
    decomposed = "Cafe\u0301 ⼈\u200b"
    once = normalize_text(decomposed)
    assert once == "Café 人"
    for text in (decomposed, "\u3000\u3000a\u00a0b\r\n", "⻔\ufeff"):
        assert normalize_text(normalize_text(text)) == normalize_text(text)
        assert normalize_paragraph(normalize_paragraph(text)) == normalize_paragraph(text)


# (typed or extracted, stored): ligatures, widths, the space before a sign, the zero of a year.
CHARACTER_FIXES = [
    ("使用Oﬃce软件，ﬁle和ﬂow", "使用Office软件，file和flow"),
    ("ﬀ ﬄ ﬅ ﬆ", "ff ffl st st"),
    ("２０２４年全区ＧＤＰ增长５．２％", "2024年全区GDP增长5.2％"),
    ("满意率为 100 %，增长40 ％，千分之3 ‰，气温26 ℃", "满意率为 100%，增长40％，千分之3‰，气温26℃"),
    ("增长40\u00a0%，40\u200b %，４０\u3000％", "增长40%，40%，40％"),  # after the space table
    ("二○二四年，二O二三年，二0二三年，二o二二年", "二〇二四年，二〇二三年，二〇二三年，二〇二二年"),
    ("九○年代", "九〇年代"),
    # Not a year, or not Chinese numerals: left alone.
    (
        "○ 完成联络站建设；第○项；2020年；CO2；O型血；0.5 %",
        "○ 完成联络站建设；第○项；2020年；CO2；O型血；0.5%",
    ),
    ("GO年会", "GO年会"),
    # Full-width punctuation is not a digit or a letter (GB/T 15834 keeps it full-width).
    ("（一）、；：！？", "（一）、；：！？"),
]


@pytest.mark.parametrize(("typed", "stored"), CHARACTER_FIXES)
def test_characters_fixed_at_entry(typed, stored):
    assert normalize_text(typed) == stored
    assert normalize_text(stored) == stored


def test_character_fixes_are_named():
    with recording() as changes:
        normalize_block("使用Oﬃce软件\n２０２４年增长40 %\n二○二四年")
    assert changes.notes() == [
        "连字 1 处改为普通字母（如「ﬃ」→「ffi」）。",
        "全角数字或字母 1 处改为半角（如「２０２４」→「2024」）。",
        "数字与 % ‰ ℃ 之间的空格 1 处已去掉（如「长40 %」→「长40%」）。",
        "年份中的“○”“O”“0” 1 处改为“〇”（如「二○二四年」→「二〇二四年」）。",
    ]
    with recording() as changes:
        normalize_block("使用Office软件\n2024年增长40%\n二〇二四年")
    assert changes.notes() == []


# --- forms ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_piece_form_normalises_every_text_field():
    form = PieceForm(
        {
            "title": "\ufeff临平区：⼈⼤代表\u200b联络站",
            "subtitle": "扎实践行\u00a0全过程",
            "body": "\u3000\u3000今年以来，⼈⼤\u200b代表\n\u2003\u2003二是完善机制。",
            "byline_org": "临平区⼈⼤常委会办公室\u200e",
            "byline_authors": "沈\u200b川",
            "contact_name": "沈川\x07",
            "contact_phone": "0571\u00a085250657",
        }
    )
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert data["title"] == "临平区：人大代表联络站"
    assert data["subtitle"] == "扎实践行 全过程"
    assert data["body"] == "<p>今年以来，人大代表</p><p>二是完善机制。</p>"
    assert data["byline_org"] == "临平区人大常委会办公室"
    assert data["contact_name"] == "沈川"
    assert data["contact_phone"] == "0571 85250657"


def test_issue_form_normalises_its_text_fields():
    form = IssueForm(
        {
            "date": timezone.localdate().isoformat(),  # a new issue is dated near today
            "number": 10,
            "total_number": 698,
            "edition": "regular",
            "editor_name": "测\u200b试",
            "editor_phone": "0571\u00a000000000",
            "distribution": "市⼈⼤常委会各位领导\ufeff \r\n各区、县（市）⼈⼤常委会",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["editor_name"] == "测试"
    assert form.cleaned_data["editor_phone"] == "0571 00000000"
    assert form.cleaned_data["distribution"] == "市人大常委会各位领导\n各区、县（市）人大常委会"


# --- back issues: the Kangxi case and every encoding --------------------------------------


def test_kangxi_case_imports_as_issue_10():
    result = parse_issue_file(KANGXI_CASE)
    doc = result.document
    assert not result.errors
    assert (doc.publication_name, doc.year, doc.number, doc.total_number) == ("杭州人大信息", 2024, 10, 698)
    assert [s.name for s in doc.sections] == ["代表工作", "信息摘登"]
    article = doc.sections[0].items[0]
    assert article.title == "临平区:“家门口”联络站打通履职最后一公里"
    assert (article.byline_org, article.byline_authors) == ("临平区人大常委会办公室", ["沈川"])
    assert article.paragraphs[1][0].text == "一是建强阵地。" and article.paragraphs[1][0].bold
    brief = doc.sections[1].items[0]
    assert brief.paragraph[0].text == "临平区人大常委会"
    assert "市人大常委会各位领导" in "".join(doc.distribution)
    every_text = repr(doc.to_dict())
    assert not any(0x2E80 <= ord(c) <= 0x2FDF for c in every_text)


def _encodings(text: str) -> dict[str, bytes]:
    return {
        "utf-8": text.encode("utf-8"),
        "utf-8-bom": text.encode("utf-8-sig"),
        "gbk": text.encode("gbk"),
        "gb18030": text.encode("gb18030"),
        "utf-16": text.encode("utf-16"),  # with a byte-order mark
        "utf-16-le": text.encode("utf-16-le"),  # without one
        "utf-16-be": text.encode("utf-16-be"),
    }


def test_every_encoding_decodes_to_the_same_text():
    text = normalize_text(KANGXI_CASE.read_text(encoding="utf-8"))
    for name, data in _encodings(text).items():
        decoded = decode_issue_bytes(data)
        assert decoded == text, name
        assert "\ufffd" not in decoded
    with pytest.raises(NotAnIssueError, match="不是文本文件"):
        decode_issue_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-16-le", "utf-8-bom"])
def test_browser_upload_reads_every_encoding(client_for, editor, encoding):
    text = normalize_text(KANGXI_CASE.read_text(encoding="utf-8"))
    data = _encodings(text)[encoding]
    html = (
        client_for(editor)
        .post(
            reverse("back_issue_import"),
            {"file": SimpleUploadedFile("10.txt", data), "action": "check"},
        )
        .content.decode()
    )
    assert "杭州人大信息 2024年第10期(总第698期)" in html
    assert "\ufffd" not in html
    assert "临平区人大常委会办公室" in html  # the text box shows the decoded, normalised text


@pytest.mark.django_db
def test_import_issue_command_reads_gbk_and_utf16(editor, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    text = KANGXI_CASE.read_text(encoding="utf-8")
    gbk = tmp_path / "10-gbk.txt"
    gbk.write_bytes(normalize_text(text).encode("gbk"))
    call_command("import_issue", "--dry-run", str(gbk))
    assert "杭州人大信息 2024年第10期(总第698期)" in capsys.readouterr().out
    utf16 = tmp_path / "10-utf16.txt"
    utf16.write_bytes(text.encode("utf-16"))  # Kangxi radicals and all
    call_command("import_issue", str(utf16))
    issue = Issue.objects.get()
    assert (issue.year, issue.number, issue.total_number) == (2024, 10, 698)
    titles = set(issue.placements.values_list("submission__title", flat=True))
    assert "临平区：“家门口”联络站打通履职最后一公里" in titles


def test_an_oversize_issue_file_is_not_read_whole(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (5 * 1024 * 1024))
    with pytest.raises(NotAnIssueError, match="文件超过 4 MB"):
        parse_issue_file(big)


@pytest.mark.django_db
def test_admin_forms_pass_the_door(client_for, make_user):
    from accounts.models import Role, Unit

    admin_user = make_user(Role.ADMIN, username="guanli")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = client_for(admin_user)
    response = client.post(
        reverse("admin:accounts_unit_add"),
        {
            "name": "测试区⼈⼤常委会\u200b",
            "short_name": "\ufeff测试区",
            "kind": "district",
            "office_name": "测试区⼈⼤常委会办公室\u00a0",
            "position": 99,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(short_name="测试区")
    assert (unit.name, unit.office_name) == ("测试区人大常委会", "测试区人大常委会办公室")
