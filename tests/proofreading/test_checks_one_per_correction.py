"""Two rules asking for the same correction at the same place give one finding: the
office's terms list (admin) and the shipped lexicon both know 布署 → 部署."""

from proofreading.checks import check_piece
from proofreading.text import CheckContext, PieceText, TermRule


def piece(text):
    return PieceText(key="s1", title="代表联络站建设", paragraphs=[text])


def test_a_term_and_the_lexicon_on_one_place_give_one_finding_the_office_s():
    context = CheckContext(terms=(TermRule("部署", ("布署",), note="本刊用语"),))
    found = [
        f for f in check_piece(piece("区人大常委会精心布署代表联络站建设。"), context) if f.excerpt == "布署"
    ]
    assert [(f.rule, f.suggestion) for f in found] == [("term", "部署")]
    assert "本刊用语" in found[0].message


def test_without_the_term_the_lexicon_still_names_it():
    found = [
        f
        for f in check_piece(piece("区人大常委会精心布署代表联络站建设。"), CheckContext())
        if f.excerpt == "布署"
    ]
    assert [(f.rule, f.suggestion) for f in found] == [("lexicon", "部署")]


def test_different_corrections_at_one_place_both_stay():
    context = CheckContext(terms=(TermRule("布置", ("布署",)),))
    found = [
        f for f in check_piece(piece("区人大常委会精心布署代表联络站建设。"), context) if f.excerpt == "布署"
    ]
    assert sorted(f.suggestion for f in found) == ["布置", "部署"]
