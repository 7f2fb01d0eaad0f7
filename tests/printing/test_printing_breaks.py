"""Where titles, bylines and the 送 list break, and pages that hold whatever they are given,
measured on real WeasyPrint renders read back with pdfplumber.

The checker carries its own small table of the words of the test texts (it does not ask a
segmenter): a line that ends or starts inside one of them is a fault. The rules:

- GB/T 9704-2012 §7.3.3 (the title): 回行时要做到词意完整，排列对称，长短适宜 — a title line
  never ends inside a word; the lines of a two-line title are of similar length.
- GB/T 9704-2012 §7.4 (版记, the 送 block): inside the text block, at the foot of the last
  page, its wrapped lines aligned; an entry (a unit's name) is never broken inside.
- clreq §3.1.7 and house: a number and its unit (㎡ ㎞ ㎏ ㏄ ℃ ‰ %) are never split; a
  paragraph's last line is not one character (避免孤字) unless the check report says so;
  a bold sub-heading is never last on a page with its text on the next (背题).
"""

from __future__ import annotations

import dataclasses

import pdfplumber
import pytest

from bench.seed_documents import build_seed_document
from printing.document import ArticleItem, BriefItem, IssueDocument, Run, Section
from printing.render import check_document, render_preview_html
from printing.verify import verify_pdf
from tests.printing_fixtures import (
    BLOCK_HEIGHT,
    BLOCK_WIDTH,
    PAGE_HEIGHT,
    PITCH,
    TOP,
    Rendered,
    issue_document,
    left_edge,
    render_document,
    render_seed,
    text_lines,
)

# Words of the test texts a line must not break inside (the checker's own table).
WORDS = [
    "淳安县", "创新", "“四个一”", "工作", "机制", "助力", "重大项目", "攻坚", "余杭区", "“议、督、改”",
    "助推", "老旧", "小区", "改造", "提质增效", "西湖区", "“点、线、面”", "结合", "优化", "营商环境",
    "萧山区", "做好", "“三篇文章”", "政务服务", "增值化", "改革", "市人大常委会", "“三转变三强化”",
    "提升", "数字经济", "立法", "质效", "“三个力”", "推动", "备案审查", "高质量", "发展", "首次",
    "开展", "“回头看”", "督查", "上城区", "服务", "“在一线”", "护航", "经济", "“开门红”", "钱塘区",
    "人大代表", "“营商环境体验官”", "“一号改革工程”", "出台", "决定", "青年", "城市", "“双向奔赴”",
    "拱墅区", "“三个+”", "基层立法联系点", "接地气", "锚定", "代表", "“三力”", "发展型", "城市建设",
    "人大常委会", "常委会", "办公室", "办公厅", "研究室", "组成人员", "机关", "各部门", "工作委员会",
    "专门委员会", "各区", "县（市）",
]  # fmt: skip
UNIT_TEXT = "面积86.5㎡，全长120㎞，重15㎏，排量1600㏄，气温26℃，增长5‰，占比3%，用地3200m²。"
UNITS = "㎡㎞㎏㏄℃‰%²"
# Marks that follow a character on its line; a last line of one character and these is 孤字.
TRAILING_MARKS = "。，、；：？！”’）》…—"
FILLER = "区人大常委会组织代表深入基层开展专题调研"
COUNTIES = [
    "上城区",
    "拱墅区",
    "西湖区",
    "滨江区",
    "萧山区",
    "余杭区",
    "临平区",
    "钱塘区",
    "富阳区",
    "临安区",
]


def split_words(before: str, after: str) -> list[str]:
    """The table's words that a break between ``before`` and ``after`` cuts."""
    joined = before + after
    cut = []
    for word in WORDS:
        start = joined.find(word)
        while start != -1:
            if start < len(before) < start + len(word):
                cut.append(word)
            start = joined.find(word, start + 1)
    return cut


def document_with(sections: list[Section], distribution: list[str]) -> IssueDocument:
    return issue_document(sections, distribution)


render = render_document


def title_breaks(rendered: Rendered) -> list[tuple[str, str]]:
    """(line, next line) of every multi-line 22 pt title."""
    lines = [line for line in text_lines(rendered) if line.page > 1]
    pairs = []
    for line, following in zip(lines, lines[1:], strict=False):
        if abs(line.size - 22) < 0.05 and abs(following.size - 22) < 0.05 and following.page == line.page:
            pairs.append((line.text.strip(), following.text.strip()))
    return pairs


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    directory = tmp_path_factory.mktemp("seeds")
    return {name: render_seed(name, directory) for name in ("2024-01", "2024-06", "2024-15")}


def test_no_title_of_the_seeds_breaks_inside_a_word(seeds):
    pairs = [pair for rendered in seeds.values() for pair in title_breaks(rendered)]
    assert len(pairs) >= 10
    assert [(a, b, split_words(a, b)) for a, b in pairs if split_words(a, b)] == []
    # The lines of a two-line title are of similar length (排列对称) or the author's own.
    assert ("淳安县：创新“四个一”", "工作机制助力重大项目攻坚") in pairs
    assert ("余杭区：“议、督、改”", "助推老旧小区改造提质增效") in pairs


def test_the_seeds_distribution_lists_and_toc_never_break_inside_a_word(seeds):
    for rendered in seeds.values():
        lines = text_lines(rendered)
        small = [line for line in lines if abs(line.size - 14) < 0.05]
        for line, following in zip(small, small[1:], strict=False):
            if following.page != line.page:
                continue
            assert not split_words(line.text.strip().removeprefix("送："), following.text.strip()), (
                line.text,
                following.text,
            )


def one_char_last_lines(rendered: Rendered) -> list[str]:
    """Last lines of body paragraphs that hold one character (and its marks)."""
    body = [
        line
        for line in text_lines(rendered)
        if line.page > 1 and abs(line.size - 16) < 0.05 and "FandolFang" in " ".join(line.fonts())
    ]
    found = []
    for line, following in zip(body, [*body[1:], None], strict=False):
        starts_paragraph = (
            following is None or abs(following.x0 - left_edge(following.page) - 2 * PITCH) < 0.5
        )
        text = line.text.strip()
        if starts_paragraph and len([c for c in text if c not in TRAILING_MARKS]) == 1:
            found.append(text)
    return found


def test_no_paragraph_of_the_seeds_ends_with_a_one_character_line(seeds):
    for name, rendered in seeds.items():
        reported = check_document(build_seed_document(name)).of_kind("short_last_line")
        assert len(one_char_last_lines(rendered)) <= len(reported), name


def test_one_character_last_lines_are_avoided_across_fill_lengths(tmp_path):
    # Each paragraph's last character falls at every column of the line in turn.
    endings = ["工作落到实处。", "取得实效。", "确保落实”。", "2024年。"]
    paragraphs = [(FILLER * 4)[: 30 + k] + ending for ending in endings for k in range(0, 30)]
    document = document_with(
        [
            Section(
                "要闻速递",
                "articles",
                [ArticleItem("排版测试", [[Run(p)] for p in paragraphs], "", "研究室", ["杨青青"])],
            )
        ],
        ["省人大常委会办公厅"],
    )
    rendered = render(document, tmp_path, "orphans")
    reported = check_document(document).of_kind("short_last_line")
    assert len(one_char_last_lines(rendered)) <= len(reported)
    assert len(reported) <= 2  # the bounds leave room for nearly every paragraph


def test_a_number_is_never_split_from_its_unit(tmp_path):
    paragraphs = [(FILLER * 3)[:length] + UNIT_TEXT for length in range(0, 41)]
    titles = [(FILLER * 2)[:length] + "建成" + UNIT_TEXT[:12] for length in range(8, 20)]
    items = [ArticleItem("单位测试", [[Run(p)] for p in paragraphs], "", "研究室", ["杨青青"])]
    items += [ArticleItem(title, [[Run("正文。")]], "", "研究室", ["杨青青"]) for title in titles]
    rendered = render(
        document_with([Section("要闻速递", "articles", items)], ["省人大常委会办公厅"]), tmp_path, "units"
    )
    lines = [line for line in text_lines(rendered) if line.page > 1]
    for line, following in zip(lines, lines[1:], strict=False):
        text, after = line.text.strip(), following.text.strip()
        if text and after and after[0] in UNITS:
            assert not text[-1].isdigit() and text[-1] != "m", (text, after)


def distribution(count: int, long: bool = False) -> list[str]:
    extra = "，市人大常委会各工作委员会、各专门委员会办公室" if long else ""
    return [f"{COUNTIES[i % len(COUNTIES)]}人大常委会办公室、研究室{extra}" for i in range(count)]


def with_longer_last_brief(document: IssueDocument, extra: int) -> IssueDocument:
    """The document with ``extra`` characters more in its last brief (the fill length)."""
    if not extra:
        return document
    section = document.sections[-1]
    last = section.items[-1]
    assert isinstance(last, BriefItem)
    grown = dataclasses.replace(last, paragraph=[*last.paragraph, Run((FILLER * 20)[:extra] + "。")])
    sections = [*document.sections[:-1], dataclasses.replace(section, items=[*section.items[:-1], grown])]
    return dataclasses.replace(document, sections=sections)


@pytest.mark.parametrize("extra", [0, 60, 130, 200, 270, 340])
@pytest.mark.parametrize(
    ("count", "long"),
    [(1, False), (6, False), (10, False), (14, False), (18, False), (22, False), (26, False), (40, False),
     (60, False), (8, True), (20, True)],
)  # fmt: skip
def test_the_distribution_block_stays_in_the_text_block_and_with_the_last_byline(
    count, long, extra, tmp_path
):
    document = dataclasses.replace(build_seed_document("2024-15"), distribution=distribution(count, long))
    document = with_longer_last_brief(document, extra)
    rendered = render(document, tmp_path, f"dist{count}")
    top, bottom = TOP, TOP + BLOCK_HEIGHT
    with pdfplumber.open(rendered.pdf_path) as pdf:
        pages = pdf.pages
        for number, page in enumerate(pages, 1):
            left = left_edge(number)
            for char in page.chars:
                if char["text"].strip() in ("", "—") or char["text"].isdigit() and char["top"] > bottom:
                    continue  # the page number, below the block
                assert top - 1 <= char["top"] and char["bottom"] <= bottom + 1, (
                    number,
                    char["text"],
                    char["top"],
                )
                assert left - 1 <= char["x0"] and char["x1"] <= left + BLOCK_WIDTH + 4.5, (
                    number,
                    char["text"],
                )
    lines = text_lines(rendered)
    text = "".join(line.text for line in lines)
    assert text.count("送：") == 1 and text.count("本期责任编辑") == 1
    # Every entry is printed whole, in order (a wrapped line continues the entry).
    dist_text = "".join(line.text.strip() for line in lines if abs(line.size - 14) < 0.05)
    assert "".join(document.normalized().distribution) in dist_text.replace("送：", "")
    # The last byline is on a page with the text it signs (never alone, above the 送 block).
    byline = next(
        line for line in reversed(lines) if line.text.strip().startswith("（") and abs(line.size - 16) < 0.05
    )
    body_on_page = [line for line in lines if line.page == byline.page and line.baseline > byline.baseline]
    assert any(abs(line.size - 16) < 0.05 for line in body_on_page), f"byline alone on p.{byline.page}"
    # No page but the last is left nearly empty.
    counts = {}
    for line in lines:
        counts[line.page] = counts.get(line.page, 0) + 1
    last = max(counts)
    assert all(counts[p] >= 5 for p in counts if 1 < p < last), counts
    # The block ends on the last page; when it is all on that page, at its foot (版记).
    block = [line for line in lines if abs(line.size - 14) < 0.05]
    assert block[-1].text.startswith("电话") and block[-1].page == last
    if block[0].page == last:
        assert PAGE_HEIGHT - block[-1].baseline > bottom - 24 - 8, (count, block[-1].baseline)
    # No line of the block alone on a page: at least two entries, or an entry and the editor.
    on_last = [line for line in block if line.page == last]
    assert len(on_last) >= 3, [line.text for line in on_last]


def test_a_bold_sub_heading_is_never_last_on_a_page(tmp_path):
    # Sub-headings fall on every line of the page in turn.
    items = []
    for shift in range(0, 22):
        paragraphs = [[Run((FILLER * 30)[: 28 * shift + 10] + "。")]]
        for n in ("一", "二", "三"):
            paragraphs.append([Run(f"{n}、强化监督推动落实", True)])
            paragraphs.append([Run((FILLER * 10)[:60] + "。")])
        items.append(ArticleItem(f"背题测试{shift}", paragraphs, "", "研究室", ["杨青青"]))
    rendered = render(
        document_with([Section("要闻速递", "articles", items)], ["省人大常委会办公厅"]), tmp_path, "subheads"
    )
    lines = [line for line in text_lines(rendered) if line.page > 1]
    for line, following in zip(lines, lines[1:], strict=False):
        bold_only = line.fonts() == {"FandolSong-Bold"} and abs(line.size - 16) < 0.05
        if bold_only and line.text.strip().endswith("落实"):
            assert following.page == line.page, f"背题 on p.{line.page}: {line.text}"


def test_a_byline_of_many_authors_never_breaks_inside_a_name(tmp_path):
    authors = [
        "金颖",
        "王祎",
        "郭彧杰",
        "李寄",
        "斯董瑾",
        "钱苏晚",
        "欧阳修远",
        "蔡静",
        "张雄杰",
        "杨青",
        "宋玉凤",
    ]
    items = [
        BriefItem(
            [Run("西湖区人大常委会开展代表主题活动。")], "西湖区人大常委会办公室研究室", authors[: 3 + k]
        )
        for k in range(0, 9)
    ]
    rendered = render(
        document_with([Section("信息摘登", "briefs", items)], ["省人大常委会办公厅"]), tmp_path, "names"
    )
    lines = [line for line in text_lines(rendered) if line.page > 1]
    names = [name for name in authors if len(name) >= 2]
    for line, following in zip(lines, lines[1:], strict=False):
        before, after = line.text.replace("\u3000", "").replace(" ", ""), following.text.replace(" ", "")
        for name in names:
            joined = before + after.replace("\u3000", "")
            start = joined.find(name, max(0, len(before) - len(name)))
            assert not (0 <= start < len(before) < start + len(name)), (line.text, following.text)
        assert all(c["x1"] <= left_edge(line.page) + BLOCK_WIDTH + 0.5 for c in line.chars), line.text


def test_stored_text_is_unchanged_by_the_print_rules():
    # No joiner or break is written into the document: the rules act at render time only.
    document = document_with(
        [
            Section(
                "要闻速递", "articles", [ArticleItem("标题", [[Run(UNIT_TEXT)]], "", "研究室", ["杨青青"])]
            )
        ],
        ["省人大常委会办公厅"],
    )
    assert document.to_dict()["sections"][0]["items"][0]["paragraphs"][0][0]["text"] == UNIT_TEXT


def test_the_checker_finds_a_title_broken_inside_a_word():
    # The break the seeds used to print, and a break inside a quoted campaign name.
    assert split_words("淳安县：创新“四个一”工", "作机制助力重大项目攻坚") == ["工作"]
    assert split_words("淳安县：创新“四个", "一”工作机制") == ["“四个一”"]
    assert split_words("送：市人大常委会组成人员，各区、县（市）人大常", "委会") != []
    assert split_words("淳安县：创新“四个一”", "工作机制助力重大项目攻坚") == []


def test_a_title_without_a_good_break_is_balanced_and_reported(tmp_path):
    # Characters no dictionary joins into words: every break is a guess.
    odd = "犇骉猋羴鱻毳淼焱垚" * 3
    items = [
        ArticleItem(odd, [[Run("正文。")]], "", "研究室", ["杨青青"]),
        ArticleItem(
            "淳安县：创新“四个一”工作机制助力重大项目攻坚", [[Run("正文。")]], "", "研究室", ["杨青青"]
        ),
    ]
    document = document_with([Section("要闻速递", "articles", items)], ["省人大常委会办公厅"])
    notes = check_document(document).of_kind("title_break")
    assert [note.message.split("：")[0] for note in notes] == ["目录", "标题"]
    assert odd in notes[1].message and "均衡" in notes[1].message
    rendered = render(document, tmp_path, "odd")
    lines = [line.text.strip() for line in text_lines(rendered) if abs(line.size - 22) < 0.05]
    assert "".join(lines[:2]) == odd and abs(len(lines[0]) - len(lines[1])) <= 1


# The checker's words of the texts below (its own table, as above).
LONG_TITLE_WORDS = [
    "市人大常委会", "党组", "召开", "会议", "传达", "学习", "习近平总书记", "中央", "人大", "工作会议",
    "重要", "讲话", "精神", "省委", "研究", "部署", "贯彻", "落实", "“人大代表+网格员”", "“联络站+社区”",
    "双联", "模式", "习近平新时代", "中国特色社会主义思想", "奋力推进", "高质量发展",
    # a particle or localiser stays with the word before ("会议上的", not "会议｜上的")
    "会议上的",
]  # fmt: skip
THEORY_TITLE = "深入学习贯彻习近平新时代中国特色社会主义思想奋力推进新时代人大工作高质量发展"
LONG_TITLE = (
    "市人大常委会党组召开会议传达学习习近平总书记在中央人大工作会议上的重要讲话精神"
    "和省委人大工作会议精神研究部署贯彻落实工作"
)


def cut_words(before: str, after: str, words: list[str]) -> list[str]:
    joined = before + after
    return [
        word
        for word in words
        for start in range(len(joined))
        if joined.startswith(word, start) and start < len(before) < start + len(word)
    ]


def test_a_title_takes_a_line_more_rather_than_break_inside_a_word(tmp_path):
    # 60 characters fill three 20-character lines exactly: three lines would cut a word
    # (…学习习近平总｜书记…); four lines break between words, and nothing is reported.
    quoted = "西湖区：“人大代表+网格员”“联络站+社区”双联模式"
    items = [
        ArticleItem(title, [[Run("正文。")]], "", "研究室", ["杨青青"])
        for title in (LONG_TITLE, quoted, THEORY_TITLE)
    ]
    document = document_with([Section("要闻速递", "articles", items)], ["省人大常委会办公厅"])
    assert check_document(document).of_kind("title_break") == []
    rendered = render(document, tmp_path, "long-title")
    titles = [line for line in text_lines(rendered) if abs(line.size - 22) < 0.05]
    texts = [line.text.strip() for line in titles]
    assert "".join(texts[:4]) == LONG_TITLE, texts
    # A closing quote and the next opening quote: the break between two quoted names.
    assert texts[4:6] == ["西湖区：“人大代表+网格员”", "“联络站+社区”双联模式"], texts
    assert "".join(texts[6:]) == THEORY_TITLE, texts
    for title in (texts[:4], texts[4:6], texts[6:]):
        for line, following in zip(title, title[1:], strict=False):
            assert cut_words(line, following, LONG_TITLE_WORDS) == [], (line, following)


def rule_tops(page) -> list[float]:
    """The tops of the rules drawn on a pdfplumber page. WeasyPrint draws a border as a
    pair of filled rectangles, the box and the box inside its border (filled even-odd):
    a rule is where the two differ."""
    rects = [r for r in page.rects if r["width"] > 100]
    tops = []
    for outer, inner in zip(rects[::2], rects[1::2], strict=False):
        if outer["height"] < inner["height"]:
            outer, inner = inner, outer
        if inner["top"] - outer["top"] > 0.2:
            tops.append(outer["top"])
        if outer["bottom"] - inner["bottom"] > 0.2:
            tops.append(inner["bottom"])
    return tops


@pytest.mark.parametrize("extra", [0, 150])
def test_a_split_distribution_block_leaves_no_stray_rule_and_no_nearly_empty_page(extra, tmp_path):
    brief = BriefItem([Run("上城区人大常委会", bold=True), Run("组织代表开展“进站履职月”活动，" * 3 + "成效明显。")],
                      "上城区人大常委会办公室", ["金颖"])  # fmt: skip
    article = ArticleItem(
        "西湖区：“三化”推进代表联络站建设", [[Run(FILLER * 8 + "。")]] * 3, "", "研究室", ["杨青青"]
    )
    base = document_with(
        [Section("要闻速递", "articles", [article]), Section("信息摘登", "briefs", [brief] * 4)], []
    )
    base = with_longer_last_brief(base, extra)
    problems = []
    for count in range(1, 65):
        document = dataclasses.replace(base, distribution=distribution(count))
        rendered = render(document, tmp_path, f"split{count}")
        lines = text_lines(rendered)
        block = [line for line in lines if abs(line.size - 14) < 0.05 and line.page > 1]
        pages = sorted({line.page for line in block})
        with pdfplumber.open(rendered.pdf_path) as pdf:
            for number in pages:
                baselines = [PAGE_HEIGHT - line.baseline for line in block if line.page == number]
                for rule in rule_tops(pdf.pages[number - 1]):
                    # every rule of the block touches one of its lines (24 pt lines, 4 pt
                    # padding): at most 26 pt above a baseline, 12 pt below one
                    if not any(-26 < rule - baseline < 12 for baseline in baselines):
                        problems.append((count, number, round(rule), "stray rule"))
        # A block of one-line entries that fits on a page (with the last byline and two
        # lines of its text: 16 entries and the two editor lines) is never split.
        if count <= 16 and len(pages) > 1:
            problems.append((count, pages, "split though it fits on a page"))
        for number in pages[1:]:
            entries = [
                line for line in block if line.page == number and not line.text.startswith(("本期", "电话"))
            ]
            if len(entries) < 2:
                problems.append((count, number, "fewer than two entries"))
    assert problems == []


def test_articles_follow_a_contents_list_longer_than_page_one(tmp_path):
    # Twelve two-line 目录 entries do not fit under the masthead: the 目录 runs on at the
    # top of page 2 and the first article follows it there (not on a page of its own).
    titles = [
        "萧山区人大常委会开展《杭州市城市道路交通安全管理条例》执法检查暨“人大代表在行动”专项活动",
        "市人大常委会党组召开会议传达学习习近平总书记在中央人大工作会议上的重要讲话精神",
    ]
    items = [ArticleItem(titles[i % 2], [[Run(FILLER + "。")]], "", "研究室", ["杨青青"]) for i in range(12)]
    document = document_with([Section("要闻速递", "articles", items)], ["省人大常委会办公厅"])
    rendered = render(document, tmp_path, "long-toc")
    lines = text_lines(rendered)
    page2 = [line for line in lines if line.page == 2]
    assert page2 and abs(page2[0].size - 14) < 0.05, "the 目录 runs on to page 2"
    assert any(abs(line.size - 22) < 0.05 for line in page2), "the first article starts on page 2"
    # Every 目录 line is printed once, before the first title.
    first_title = next(i for i, line in enumerate(lines) if abs(line.size - 22) < 0.05)
    toc = "".join(line.text.strip() for line in lines[:first_title] if abs(line.size - 14) < 0.05)
    assert all(toc.count(title) == 6 for title in titles), toc
    findings = verify_pdf(rendered.pdf_path.read_bytes())
    assert [f.page for f in findings if f.kind == "toc_long"] == [2], findings
    # The preview draws the page gap where the PDF's page 2 begins: inside the 目录,
    # before the first title printed there, and the articles follow on the same sheet.
    html, _ = render_preview_html(document, font_url=lambda face: f"/f/{face.key}")
    gap = html.index('data-page="2"')
    toc_on_page2 = next(i for i, line in enumerate(page2) if abs(line.size - 22) < 0.05)
    titles_on_page2 = toc_on_page2 // 2  # each of these 目录 entries takes two lines
    assert html[:gap].count('class="toc-title ') == 12 - titles_on_page2
    assert html.count('class="sheet ') == 1, "the articles follow the 目录 on its sheet"


def test_quotation_marks_in_a_byline_take_a_full_em(tmp_path):
    # GB/T 15834: Chinese quotation marks are set a full em wide, in a byline's 楷体 as in
    # the body (a face that shares “” with Latin text draws them a third of an em).
    item = ArticleItem(
        "钱塘区：代表之家建设提质增效",
        [[Run("今年以来，成效明显。")]],
        "",
        "钱塘区“代表之家”工作专班",
        ["李明"],
    )
    rendered = render(
        document_with([Section("要闻速递", "articles", [item])], ["省人大常委会办公厅"]), tmp_path, "bq"
    )
    with pdfplumber.open(rendered.pdf_path) as pdf:
        quotes = [c for page in pdf.pages[1:] for c in page.chars if c["text"] in "“”" and c["size"] < 20]
    assert len(quotes) == 2
    assert all(c["width"] >= 0.9 * c["size"] for c in quotes), [(c["text"], c["width"]) for c in quotes]
