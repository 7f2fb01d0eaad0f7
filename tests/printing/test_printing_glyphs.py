"""Safe glyphs: every sign drawn right, every code point its own glyph, no character lost.

The glyph check renders each sign (Pillow's FreeType) from the face the print would set
it in and compares the drawing with the reference face (Noto Serif CJK SC); it runs on
every face of the font set, so a licensed font dropped into BULLETIN_FONT_DIR is checked
the same way.
"""

from __future__ import annotations

import shutil
from functools import lru_cache

import pytest
from django import forms
from fontTools.ttLib import TTFont

from backissues.parsing.parser import parse_issue_text
from bulletin.forms import IssueForm
from printing.checks import (
    describe_char,
    missing_glyph_message,
    missing_glyphs,
    refuse_missing_glyphs,
    validate_printable,
)
from printing.fonts import FANDOL_DIR, FREE_FACES, font_set
from printing.glyphs import (
    SIGN_MEANINGS,
    _drawings,
    _reference,
    shared_glyphs,
    unsafe_code_points,
    wrong_drawings,
)
from submissions.forms import PieceForm
from tests.paths import seed_path
from tests.printing_fixtures import (
    CLOSING_MARKS,
    CONNECTORS,
    ELLIPSES,
    HALF_WIDTH_CLOSING_MARKS,
    HALF_WIDTH_OPENING_MARKS,
    HALF_WIDTH_STOP_AND_PAUSE_MARKS,
    MIDDLE_DOTS,
    OPENING_MARKS,
    POSTFIX_SIGNS,
    PREFIX_SIGNS,
    STOP_AND_PAUSE_MARKS,
)

# GB/T 15834-2011 punctuation as Chinese text writes it (full-width forms).
GB_15834 = "，。、；：？！“”‘’（）《》〈〉「」『』〔〕【】〖〗——――……⋯⋯·～－/"
# The signs whose drawings the glyph check compares (the issue of ￥ drawn as a dollar by
# the Fandol faces): the currency, percent and degree signs of the line-edge tables, and
# the ASCII signs with full-width twins a face may draw alike (＆&, ＠@, ＊*, ＋+, ＝=).
SIGNS = "￥¥＄$％%‰℃°±№＃#＆&＠@＊*＋+＝=§€£￡￠¢"
NO_FACE_HAS = "\U00030000"  # CJK Extension G: in none of the installed faces
FANDOL_FACES = [FREE_FACES["fang"], FREE_FACES["song-bold"]]


@lru_cache(maxsize=16)
def _cmap(face) -> dict[int, str]:
    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    try:
        return font.getBestCmap()
    finally:
        font.close()


@pytest.mark.parametrize("face", FANDOL_FACES, ids=lambda f: f.path.stem)
def test_the_fandol_yuan_sign_is_found_to_be_a_dollar(face):
    # FandolFang and FandolSong draw U+FFE5 ￥ as a dollar sign: the check must see it.
    assert wrong_drawings(str(face.path), face.index, _cmap(face)) == {0xFFE5}
    drawn = _drawings(str(face.path), face.index, "￥")["￥"]
    reference = _reference()
    closeness = {char: sum(a * b for a, b in zip(drawn, reference[char], strict=True)) for char in "￥＄$"}
    assert max(closeness, key=closeness.get) in "＄$"


def test_faces_sharing_one_glyph_keep_it_for_the_gb_15834_form():
    cmap = _cmap(FREE_FACES["fang"])
    assert cmap[0x2026] == cmap[0x22EF]  # … and ⋯: one glyph in FandolFang
    unsafe = shared_glyphs(cmap)
    assert 0x2026 not in unsafe and 0x22EF in unsafe
    assert 0x00B7 not in unsafe and 0x30FB in unsafe  # · kept, ・ set elsewhere


@pytest.mark.parametrize("role", ["body", "bold", "title", "kai"])
def test_every_sign_and_mark_is_set_in_a_face_that_draws_it_right(role):
    fonts = font_set("")
    checked: dict[str, set[int]] = {}
    glyph_of: dict[tuple[str, str], str] = {}
    for char in SIGNS + GB_15834 + PREFIX_SIGNS + POSTFIX_SIGNS:
        face = fonts.face_for(role, char)
        assert ord(char) in fonts.metrics(face), (role, describe_char(char))
        if face.key not in checked:  # the check, run afresh on the face (not the cache)
            checked[face.key] = unsafe_code_points(str(face.path), face.index)
        assert ord(char) not in checked[face.key], (role, describe_char(char), face.key)
        glyph_of.setdefault((face.key, _cmap(face)[ord(char)]), char)
        # Two different characters never print with one glyph of one face.
        assert glyph_of[(face.key, _cmap(face)[ord(char)])] == char, (role, char)
    assert fonts.face_for(role, "￥").key not in ("body", "song-bold", "bold", "title")


def test_a_licensed_font_is_checked_like_the_free_ones(tmp_path):
    # A "licensed" 仿宋 that is really FandolFang: its ￥ is a dollar, so ￥ goes elsewhere.
    shutil.copy(FANDOL_DIR / "FandolFang-Regular.otf", tmp_path / "仿宋_GB2312.otf")
    fonts = font_set(str(tmp_path))
    licensed = fonts.roles["body"]
    assert licensed.licensed
    assert 0xFFE5 in fonts.unsafe(licensed)
    assert fonts.face_for("body", "￥").key != licensed.key
    assert fonts.face_for("body", "年").key == licensed.key


def test_sign_groups_cover_the_line_breaking_signs():
    grouped = "".join(SIGN_MEANINGS)
    assert set(SIGNS) <= set(grouped)
    # The line-edge table and the glyph check speak of the same marks.
    marks = CLOSING_MARKS + OPENING_MARKS + STOP_AND_PAUSE_MARKS + MIDDLE_DOTS + CONNECTORS + ELLIPSES
    marks += HALF_WIDTH_CLOSING_MARKS + HALF_WIDTH_OPENING_MARKS + HALF_WIDTH_STOP_AND_PAUSE_MARKS
    for mark in marks:
        assert not missing_glyphs(mark), describe_char(mark)


def test_missing_glyphs_names_each_character_once():
    assert missing_glyphs("人大常委会，2024年；彧祎") == []
    assert missing_glyphs(f"甲{NO_FACE_HAS}乙{NO_FACE_HAS}\u202e \u3000") == [NO_FACE_HAS]
    message = missing_glyph_message([NO_FACE_HAS])
    assert "U+30000" in message and NO_FACE_HAS in message
    with pytest.raises(forms.ValidationError) as error:
        validate_printable(f"代表{NO_FACE_HAS}")
    assert error.value.code == "missing_glyph"


@pytest.mark.django_db
def test_the_piece_form_refuses_a_character_no_face_has():
    form = PieceForm(data={"title": f"关于{NO_FACE_HAS}的报告", "body": "<p>正文。</p>"})
    assert not form.is_valid()
    assert "U+30000" in form.errors["title"][0]
    assert "body" not in form.errors
    good = PieceForm(data={"title": "关于代表联络站的报告", "body": "<p>经费￥120万元。</p>"})
    assert good.is_valid(), good.errors


@pytest.mark.django_db
def test_the_issue_form_refuses_a_character_no_face_has():
    data = {
        "date": "2026-03-02",
        "number": 1,
        "total_number": 704,
        "edition": "regular",
        "editor_name": "杨青青",
        "editor_phone": "85250657",
        "distribution": f"省人大常委会办公厅{NO_FACE_HAS}",
    }
    form = IssueForm(data=data)
    assert not form.is_valid()
    assert "U+30000" in form.errors["distribution"][0]


def test_refuse_missing_glyphs_only_reads_text_fields():
    class Form(forms.Form):
        name = forms.CharField()
        count = forms.IntegerField()

        def clean(self):
            data = super().clean()
            refuse_missing_glyphs(self, ["name", "count"])
            return data

    assert Form(data={"name": "杨青青", "count": 3}).is_valid()
    assert not Form(data={"name": f"杨{NO_FACE_HAS}", "count": 3}).is_valid()


def test_the_back_issue_import_refuses_a_character_no_face_has():
    text = seed_path("2024-15").read_text(encoding="utf-8")
    assert not [p for p in parse_issue_text(text).errors if p.kind == "missing_glyph"]
    broken = text.replace("法工委", f"法工{NO_FACE_HAS}委", 1)
    problems = [p for p in parse_issue_text(broken).errors if p.kind == "missing_glyph"]
    assert problems and "U+30000" in problems[0].message and problems[0].line > 0


def test_the_preview_lists_missing_glyphs_and_control_characters():
    from printing.render import render_preview_html
    from tests.printing.test_printing_cases import case_document

    document = case_document([f"代表联络站{NO_FACE_HAS}建设\u202e情况。"])
    html, report = render_preview_html(document, font_url=lambda face: f"/print-fonts/{face.key}")
    assert [f.text for f in report.of_kind("missing_glyph")] == [NO_FACE_HAS]
    assert [f.text for f in report.of_kind("unprintable")] == ["\u202e"]
    assert "U+30000" in html and "U+202E" in html
    assert "file://" not in html and 'src: url("/print-fonts/body")' in html
    assert "\u202e" not in html


# Characters no installed face has, of several kinds: an emoji, a Thai letter, a regional
# indicator pair (a flag), the private plane character the tests above use.
NO_FACE_KINDS = ["\U0001f600", "\u0e01", "\U0001f1e8\U0001f1f3", NO_FACE_HAS]


@pytest.mark.django_db
@pytest.mark.parametrize("char", NO_FACE_KINDS)
def test_the_brief_form_refuses_a_character_no_face_has(char):
    from submissions.forms import BriefForm

    form = BriefForm(
        data={"brief_text": f"西湖区人大常委会开展{char}活动。", "brief_byline": f"西湖区 金{char}"}
    )
    assert not form.is_valid()
    code = f"U+{ord(char[0]):04X}"
    assert code in form.errors["brief_text"][0] and code in form.errors["brief_byline"][0]
    good = BriefForm(data={"brief_text": "西湖区人大常委会投入￥120万元。", "brief_byline": "西湖区 金颖"})
    assert good.is_valid(), good.errors


@pytest.mark.django_db
@pytest.mark.parametrize("char", NO_FACE_KINDS)
def test_the_piece_form_refuses_it_in_the_body_also_written_as_a_reference(char):
    for body in (f"<p>代表{char}群众。</p>", f"<p>代表&#{ord(char[0])};群众。</p>"):
        form = PieceForm(data={"title": "关于代表联络站的报告", "body": body})
        assert not form.is_valid(), body
        assert f"U+{ord(char[0]):04X}" in form.errors["body"][0]
