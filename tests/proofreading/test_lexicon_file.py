"""The shipped lexicon (proofreading/data/lexicon.tsv): every line well formed, sourced and
explained, no entry that flags its own correction, and every entry found by the rule when
it stands in a sentence. The file is read here as plain TSV, not through the loader it checks."""

import re
from pathlib import Path

import pytest

from proofreading.lexicon import LexiconError, load_lexicon, shipped_lexicon
from proofreading.rules.words import lexicon_hits

FILE = Path(__file__).resolve().parents[2] / "proofreading" / "data" / "lexicon.tsv"
# The sources an entry may cite, and its kinds (this test's own table).
SOURCES = {
    "教育部《第一批异形词整理表》(2001)",
    "《现代汉语词典》第7版",
    "公文用语",
    "GB/T 15835",
}
KINDS = {"异形词", "规范词形", "别字", "成语", "公文用语"}


def rows() -> list[list[str]]:
    lines = FILE.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def test_the_lexicon_is_large_enough_to_matter():
    assert len(rows()) >= 300
    assert len(shipped_lexicon()) == len(rows())


@pytest.mark.parametrize("row", rows(), ids=lambda r: r[0])
def test_each_entry_is_well_formed(row):
    assert len(row) == 7, row
    wrong, right, kind, source, explanation, exceptions, context = row
    assert wrong and right and wrong != right
    assert wrong not in right, "the correction would be flagged again"
    assert kind in KINDS
    assert source in SOURCES
    assert len(explanation) >= 8 and re.search(r"[\u4e00-\u9fff]", explanation)
    for exception in filter(None, exceptions.split("|")):
        assert wrong in exception and exception != wrong
    for condition in filter(None, context.split(";")):
        where, _, pattern = condition.partition("=")
        assert where in {"after", "before", "clause"}
        re.compile(pattern)


def test_wrong_forms_are_unique():
    wrongs = [row[0] for row in rows()]
    assert len(wrongs) == len(set(wrongs))


def test_the_asked_for_pairs_are_there():
    pairs = {(row[0], row[1]) for row in rows()}
    for pair in [
        ("布署", "部署"),
        ("按排", "安排"),
        ("截止", "截至"),
        ("台帐", "台账"),
        ("其它", "其他"),
        ("登陆", "登录"),
        ("既使", "即使"),
        ("即要", "既要"),
        ("做出", "作出"),
        ("作好", "做好"),
    ]:
        assert pair in pairs


UNCONDITIONED = [row for row in rows() if not row[6]]


@pytest.mark.parametrize("row", UNCONDITIONED, ids=lambda r: r[0])
def test_each_entry_is_found_in_a_sentence_and_its_correction_is_not(row):
    wrong, right = row[0], row[1]
    found = [(h.offset, h.length, h.suggestion) for h in lexicon_hits(f"会上，{wrong}。", shipped_lexicon())]
    assert found == [(3, len(wrong), right)]
    assert list(lexicon_hits(f"会上，{right}。", shipped_lexicon())) == []


def test_a_malformed_line_is_named(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text(
        "# a comment\n布署\t部署\t别字\t公文用语\t说明文字在此\t\t\n按排\t安排\t别字\n", encoding="utf-8"
    )
    with pytest.raises(LexiconError, match="line 3"):
        load_lexicon(path)
    path.write_text("布署\t部署\t别字\t某本书\t说明文字在此\t\t\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="unknown source"):
        load_lexicon(path)
    path.write_text("布署\t部署\t别字\t公文用语\t说明文字在此\t\tnear=x\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="unknown condition"):
        load_lexicon(path)
