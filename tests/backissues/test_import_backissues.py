"""Back issues: parsing the seeds' text, importing it, re-printing it, and finding it again."""

import datetime
import difflib
import re
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.queries import search_published_items
from backissues.actions import import_back_issue
from backissues.parsing.parser import NotAnIssueError, parse_issue_file, parse_issue_text
from bulletin.actions.common import IssueActionError
from bulletin.actions.issues import create_issue
from bulletin.models import Issue, Publication, Section
from submissions.models import Submission
from tests.issue_helpers import adopted_piece, place
from tests.paths import SEEDS


def seed(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


def articles(result):
    return [
        (s.name, item.title, item.subtitle, item.byline_org, item.byline_authors)
        for s in result.document.sections
        if s.kind == "articles"
        for item in s.items
    ]


def briefs(result):
    return [
        (item.byline_org, item.byline_authors)
        for s in result.document.sections
        if s.kind == "briefs"
        for item in s.items
    ]


# --- the three seeds, structure written out by hand ----------------------------------


def test_seed_2024_15():
    result = parse_issue_text(seed("2024-15"))
    doc = result.document
    assert (doc.publication_name, result.edition, doc.year, doc.number, doc.total_number, doc.date) == (
        "杭州人大信息",
        "regular",
        2024,
        15,
        703,
        datetime.date(2024, 10, 25),
    )
    assert doc.compiler == "杭州市人大常委会研究室编"
    assert [(s.name, len(s.items)) for s in doc.sections] == [
        ("要闻速递", 2),
        ("助力攻坚", 3),
        ("监督纵横", 1),
        ("情况交流", 2),
        ("信息摘登", 5),
    ]
    assert articles(result) == [
        ("要闻速递", "市人大常委会“三转变三强化” 提升数字经济立法质效", "", "法工委", ["金颖"]),
        ("要闻速递", "市人大常委会扎实推动代表建议高质量办理", "", "代表工委", []),
        ("助力攻坚", "西湖区：“点、线、面”结合助力优化营商环境", "", "西湖区人大常委会办公室", ["钱苏晚"]),
        (
            "助力攻坚",
            "萧山区:做好“三篇文章”助推政务服务增值化改革",
            "",
            "萧山区人大常委会办公室",
            ["邵羽晨", "郭彧杰"],
        ),
        ("助力攻坚", "淳安县:创新“四个一”工作机制助力重大项目攻坚", "", "淳安县人大常委会办公室", ["何沐阳"]),
        (
            "监督纵横",
            "余杭区：“议、督、改”助推老旧小区改造提质增效",
            "",
            "余杭区人大常委会办公室",
            ["潘民浩"],
        ),
        ("情况交流", "临平区:多措并举助推医疗保障工作高效发展", "", "临平区人大常委会办公室", ["马斐妍"]),
        ("情况交流", "临安区:探索开展生态文明建设情况报告制度", "", "临安区人大常委会办公室", ["许博闻"]),
    ]
    assert briefs(result) == [
        ("上城区人大常委会办公室", ["瓮文允", "刘铭锐"]),
        ("拱墅区人大常委会办公室", ["宋玉凤"]),
        ("滨江区人大常委会西兴街道工委", ["于江悦"]),
        ("富阳区人大常委会办公室", ["戚赵淳"]),
        ("建德市人大常委会办公室", ["段丹妮"]),
    ]
    assert doc.distribution == [
        "省人大常委会办公厅、研究室",
        "市人大常委会组成人员，市人大机关各部门，各区、县（市）人大常委会",
    ]
    assert (doc.editor_name, doc.editor_phone, doc.extra_line) == ("杨青青", "(0571)85250657", "")
    assert result.errors == []
    # The doubled 知 across a page break is kept and pointed out, not silently changed.
    assert [(p.kind, p.line) for p in result.problems if p.severity == "warning"] == [("doubled_char", 63)]


def test_seed_2024_01_two_line_titles_and_bold_leads():
    result = parse_issue_text(seed("2024-01"))
    doc = result.document
    assert (doc.year, doc.number, doc.total_number, doc.date) == (2024, 1, 689, datetime.date(2024, 3, 1))
    assert [(s.name, len(s.items)) for s in doc.sections] == [
        ("要闻速递", 2),
        ("助力攻坚", 3),
        ("代表工作", 3),
        ("情况交流", 1),
        ("信息摘登", 4),
    ]
    assert articles(result) == [
        ("要闻速递", "市人大常委会“三个力”推动备案审查工作高质量发展", "", "法工委", ["曾庆元"]),
        ("要闻速递", "市人大常委会首次开展民生实项目“回头看”督查", "", "代表工委", ["黄炯尔"]),
        (
            "助力攻坚",
            "上城区：服务“在一线” 护航经济“开门红”",
            "",
            "上城区人大常委会办公室",
            ["蔡静", "张雄杰"],
        ),
        ("助力攻坚", "萧山区:深化助企服务 推动营商环境优化提升", "", "萧山区人大常委会办公室", ["郭彧杰"]),
        (
            "助力攻坚",
            "钱塘区:组建人大代表“营商环境体验官” 助力“一号改革工程”",
            "",
            "钱塘区人大常委会办公室",
            [],
        ),
        ("代表工作", "西湖区：“三个力”做活代表工作", "", "西湖区人大常委会", ["李寄", "斯董瑾"]),
        ("代表工作", "余杭区：“三举措”建强用好代表联络站", "", "余杭区人大常委会办公室", ["符腾", "胡彦斐"]),
        (
            "代表工作",
            "淳安县：“片区组团”履职新模式",
            "激发代表履职热情",
            "淳安县人大常委会代表工委",
            ["闻云发"],
        ),
        (
            "情况交流",
            "建德市：新安江街道多措并举",
            "扎实践行全过程人民民主",
            "建德市人大常委会新安江街道工委",
            ["叶孝富"],
        ),
    ]
    assert briefs(result) == [
        ("临平区人大常委会办公室", ["洪舒瑶"]),
        ("富阳区人大常委会办公室", ["毛晓红"]),
        ("临安区人大常委会教科文卫民宗侨工委", ["潘忠华"]),
        ("桐庐县人大常委会办公室", ["仇斐菲"]),
    ]
    first = doc.sections[0].items[0].paragraphs[1]
    assert first[0].bold and first[0].text == "一是完善工作机制,形成协同联动审查合力。"
    assert doc.extra_line == "(信息报送网址:http://172.18.13.193:8084/infosub)"
    assert doc.distribution == [
        "省人大常委会办公厅、研究室",
        "市人大常委会组成人员,市人大机关各部门,各区、县(市)人大常委会",
    ]
    assert result.errors == []
    # The 目录 says 民生实事项目, the article 民生实项目: the article's title is kept, and flagged.
    assert [p.kind for p in result.problems if p.severity == "warning"] == ["title_differs"]


def test_seed_2024_06_displaced_byline_and_broken_title():
    result = parse_issue_text(seed("2024-06"))
    doc = result.document
    assert (doc.year, doc.number, doc.total_number, doc.date) == (2024, 6, 694, datetime.date(2024, 5, 10))
    assert [(s.name, len(s.items)) for s in doc.sections] == [
        ("要闻速递", 1),
        ("助力攻坚", 1),
        ("监督纵横", 1),
        ("代表工作", 3),
        ("情况交流", 1),
        ("信息摘登", 4),
    ]
    assert articles(result) == [
        ("要闻速递", '市人大常委会出台决定助推青年与城市"双向奔赴"', "", "社会工委", ["沈亦乐"]),
        ("助力攻坚", '淳安县:"三点发力"助推乡村振兴', "", "淳安县人大常委会办公室", ["蔡茂恒", "储言者"]),
        (
            "监督纵横",
            "富阳区:出台实施意见进一步提升监督实效",
            "",
            "富阳区人大常委会办公室",
            ["刘哲", "李扬鸣"],
        ),
        ("代表工作", '上城区:"三坚持"激活代表履职"动力源"', "", "上城区人大常委会办公室", ["蔡静"]),
        ("代表工作", "临平区:多措并举扎实推进代表主题活动", "", "临平区人大常委会办公室", ["郑丽芳"]),
        (
            "代表工作",
            '钱塘区:锚定代表"三力"助力青年 发展型城市建设',
            "",
            "钱塘区人大常委会办公室",
            ["徐佳琪"],
        ),
        (
            "情况交流",
            '拱墅区:"三个+"让律所类基层立法联系点更接地气',
            "",
            "拱墅区人大常委会办公室",
            ["宋玉凤"],
        ),
    ]
    assert briefs(result) == [
        ("滨江区人大常委会教科文卫和民宗侨工委", ["应明芮"]),
        ("余杭区人大常委会办公室", ["符腾"]),
        ("临安区人大常委会办公室", ["陈强"]),
        ("建德市人大常委会办公室", ["赵亚光"]),
    ]
    assert result.errors == []
    assert [(p.kind, p.line) for p in result.problems if p.severity == "warning"] == [
        ("displaced_byline", 111)
    ]


# --- bad input ---------------------------------------------------------------------------


def test_empty_binary_and_prose_are_refused(tmp_path):
    with pytest.raises(NotAnIssueError, match="空"):
        parse_issue_file(b"   \n\n")
    with pytest.raises(NotAnIssueError, match="不是文本文件"):
        parse_issue_file(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(NotAnIssueError, match="不是文本文件"):
        parse_issue_file(b"PK\x03\x04\x14\x00\x00\x00\x08\x00")
    with pytest.raises(NotAnIssueError, match="不是一期刊物"):
        parse_issue_text("西湖区人大常委会坚持把保障代表权利、发挥代表作用作为工作重点。\n这只是一段文字。")


def test_a_truncated_issue_reports_what_is_missing():
    text = seed("2024-15")
    cut = text[: text.index("一是聚焦业务融合")]  # in the middle of the 萧山区 article
    result = parse_issue_text(cut)
    kinds = {p.kind for p in result.errors}
    assert {"toc_title_missing", "no_distribution", "no_editor"} <= kinds
    missing = [p.message for p in result.errors if p.kind == "toc_title_missing"]
    assert any("淳安县" in m for m in missing) and any("临安区" in m for m in missing)


def test_a_body_item_not_in_the_toc_is_reported():
    # Take 临安区 (the last article) out of the 目录: the body still has it.
    text = seed("2024-15").replace("临安区：探索开展生态文明建设情况报告制度\n", "", 1)
    result = parse_issue_text(text)
    flagged = [p for p in result.problems if p.kind == "not_in_toc"]
    assert len(flagged) == 1 and "临安区" in flagged[0].text
    assert result.errors == []
    assert result.document.sections[3].items[-1].title == "临安区:探索开展生态文明建设情况报告制度"
    assert len(result.document.sections[4].items) == 5  # the briefs are untouched
    # And one from the middle: 萧山区 out of the 目录.
    text = seed("2024-15").replace("萧山区：做好“三篇文章”助推政务服务增值化改革\n", "", 1)
    result = parse_issue_text(text)
    assert [p.text[:3] for p in result.problems if p.kind == "not_in_toc"] == ["萧山区"]


def test_punctuation_width_and_page_number_styles_do_not_matter():
    text = seed("2024-15").replace("西湖区：“点、线、面”结合", '西湖区:"点、线、面"结合')
    text = text.replace("\n\n理情况的满意率为", "\n\n— 3 —\n\n- 4 -\n\n理情况的满意率为")
    result = parse_issue_text(text)
    assert result.errors == []
    assert [len(s.items) for s in result.document.sections] == [2, 3, 1, 2, 5]


def test_parsing_is_deterministic():
    assert parse_issue_text(seed("2024-06")) == parse_issue_text(seed("2024-06"))


# --- importing --------------------------------------------------------------------------


def _chinese(text: str) -> str:
    return "".join(re.findall(r"[\u4e00-\u9fff]", text))


def _original_body(text: str) -> str:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(r"[#\s]*目\s*录\s*", line))
    end = next(i for i, line in enumerate(lines) if re.match(r"^\s*送\s*[:：]", line))
    body = lines[start + 1 : end]
    toc_end = next(i for i, line in enumerate(body) if "则" in line and "信息摘登" in line)
    return "\n".join(body[toc_end + 1 :])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["2024-01", "2024-06", "2024-15"])
def test_the_reprint_holds_every_paragraph_in_order(name, editor, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    issue, _ = import_back_issue(actor=editor, result=parse_issue_text(seed(name)), source_name=f"{name}.txt")
    pdf = issue.pdfs.get()
    printed = subprocess.run(
        ["pdftotext", pdf.file.path, "-"], capture_output=True, check=True, text=True
    ).stdout
    original = _chinese(_original_body(seed(name)))
    matcher = difflib.SequenceMatcher(None, original, _chinese(printed), autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks()) / len(original)
    with capsys.disabled():
        print(
            f"\n{name}: {kept:.4%} of the original body's {len(original)} Chinese characters reprinted in order"
        )
    assert kept >= 0.99


@pytest.mark.django_db
def test_import_links_units_and_counts_as_published(editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issue, notes = import_back_issue(
        actor=editor, result=parse_issue_text(seed("2024-15")), source_name="2024-15.txt"
    )
    assert (issue.status, issue.origin, issue.total_number) == ("published", "imported", 703)
    assert notes == []
    pieces = Submission.objects.filter(placement__issue=issue)
    assert pieces.count() == 13 and set(pieces.values_list("status", flat=True)) == {"published"}
    units = list(
        pieces.order_by("placement__section__position", "placement__position").values_list(
            "unit__short_name", flat=True
        )
    )
    assert units == [
        "法工委",
        "代表工委",
        "西湖区",
        "萧山区",
        "淳安县",
        "余杭区",
        "临平区",
        "临安区",
        "上城区",
        "拱墅区",
        "滨江区",
        "富阳区",
        "建德市",
    ]
    assert all(p.events.get().action == "import" for p in pieces)


@pytest.mark.django_db
def test_the_same_issue_twice_and_replace(editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    result = parse_issue_text(seed("2024-06"))
    import_back_issue(actor=editor, result=result, source_name="a.txt")
    with pytest.raises(IssueActionError, match="已经导入过"):
        import_back_issue(actor=editor, result=result, source_name="a.txt")
    assert Issue.objects.count() == 1 and Submission.objects.count() == 11
    first = Issue.objects.get()
    issue, _ = import_back_issue(actor=editor, result=result, source_name="b.txt", replace=True)
    assert Issue.objects.count() == 1 and Submission.objects.count() == 11 and issue.source_name == "b.txt"
    # Replacing keeps the issue row and its earlier PDF (version 1); the re-print is version 2.
    assert issue.pk == first.pk
    assert list(issue.pdfs.order_by("version").values_list("version", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_an_import_never_touches_an_assembled_issue(editor, contributor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    publication = Publication.objects.get()
    assembled = create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )
    place(editor, assembled, adopted_piece(editor, contributor, "系统稿"), "要闻速递")
    for replace in (False, True):
        with pytest.raises(IssueActionError, match="系统中编排"):
            import_back_issue(
                actor=editor, result=parse_issue_text(seed("2024-15")), source_name="x", replace=replace
            )
    assert Issue.objects.get().origin == "assembled" and Issue.objects.get().placements.count() == 1


@pytest.mark.django_db
def test_an_import_with_errors_is_refused(editor):
    text = seed("2024-15")
    result = parse_issue_text(text[: text.index("送")])
    with pytest.raises(IssueActionError, match="处错误"):
        import_back_issue(actor=editor, result=result, source_name="x")
    assert not Issue.objects.exists()


@pytest.mark.django_db
def test_only_editors_import(contributor, reader):
    for actor in (contributor, reader):
        with pytest.raises(Exception, match="只有编辑"):
            import_back_issue(actor=actor, result=parse_issue_text(seed("2024-15")), source_name="x")


@pytest.mark.django_db
def test_command_imports_a_folder_and_fails_on_bad_files(editor, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("import_issue", str(SEEDS))
    assert sorted(Issue.objects.values_list("number", flat=True)) == [1, 6, 15]
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01binary")
    with pytest.raises(CommandError, match="2 个文件未能导入"):
        call_command("import_issue", str(SEEDS / "2024-15.txt"), str(junk))
    err = capsys.readouterr().err
    assert "已经导入过" in err and "不是文本文件" in err
    call_command("import_issue", "--replace", str(SEEDS / "2024-15.txt"))
    assert Issue.objects.count() == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError, match="1 个文件未能导入"):
        call_command("import_issue", str(empty))


@pytest.mark.django_db
def test_imported_pieces_keep_the_text_as_it_prints(editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issue, _ = import_back_issue(
        actor=editor, result=parse_issue_text(seed("2024-06")), source_name="2024-06"
    )
    titles = set(Submission.objects.filter(placement__issue=issue).values_list("title", flat=True))
    # The extracted text has 淳安县:"三点发力"; the piece reads as the issue prints it.
    assert "淳安县：“三点发力”助推乡村振兴" in titles
    assert not any(":" in title or '"' in title for title in titles)
    assert list(search_published_items(words="淳安县：“三点发力”")) != []


@pytest.mark.django_db
def test_item_anchors_point_at_the_same_piece_in_the_reading_view(editor, settings, tmp_path):
    from archive.queries import item_anchors
    from bulletin.documents import issue_document, reading_sections
    from printing.typography import normalize_text

    settings.MEDIA_ROOT = tmp_path
    issue, _ = import_back_issue(
        actor=editor, result=parse_issue_text(seed("2024-15")), source_name="2024-15"
    )
    anchors = item_anchors([issue.pk])
    by_anchor = {
        anchor: item for section in reading_sections(issue_document(issue)) for anchor, item in section.items
    }
    assert len(anchors) == len(by_anchor) == 13
    for piece in Submission.objects.filter(
        placement__issue=issue, placement__section__kind=Section.Kind.ARTICLES
    ):
        assert by_anchor[anchors[piece.pk]].toc_title == normalize_text(piece.title + piece.subtitle)


@pytest.mark.django_db
def test_search_covers_back_issues(editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for name in ("2024-01", "2024-15"):
        import_back_issue(actor=editor, result=parse_issue_text(seed(name)), source_name=name)
    found = [p.title for p in search_published_items(words="商会调解中心")]
    assert found == ["西湖区：“点、线、面”结合助力优化营商环境"]
    from accounts.models import Unit

    xiaoshan = Unit.objects.get(short_name="萧山区")
    assert len(search_published_items(unit=xiaoshan)) == 2
    assert (
        len(search_published_items(unit=xiaoshan, year=2024, section=Section.objects.get(name="助力攻坚")))
        == 2
    )
    assert len(search_published_items(section=Section.objects.get(name="信息摘登"))) == 9
    assert [p.unit.short_name for p in search_published_items(words="青少年心理健康")] == ["富阳区"]


# --- the upload and review page ------------------------------------------------------------


@pytest.mark.django_db
def test_review_page_shows_the_report_and_imports_after_the_fix(client_for, editor, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    client = client_for(editor)
    url = reverse("back_issue_import")
    text = seed("2024-15")
    broken = text.replace("本期责任编辑：杨青青", "")
    page = client.post(url, {"file": SimpleUploadedFile("2024-15.txt", broken.encode()), "action": "check"})
    html = page.content.decode()
    assert "杭州人大信息 2024年第15期(总第703期)" in html and "1 错误" in html
    assert "没有找到“本期责任编辑”" in html and "第 63 行" in html
    assert 'value="import" disabled' in html
    # Importing while an error remains does nothing.
    client.post(url, {"text": broken, "source_name": "2024-15.txt", "action": "import"})
    assert not Issue.objects.exists()
    # The editor puts the line back in the text box, checks again, and imports.
    response = client.post(url, {"text": text, "source_name": "2024-15.txt", "action": "import"}, follow=True)
    issue = Issue.objects.get()
    assert response.redirect_chain[-1][0] == reverse("archive_issue", args=[issue.pk])
    assert issue.source_name == "2024-15.txt" and issue.editor_name == "杨青青"


@pytest.mark.django_db
def test_review_page_refuses_non_issues_and_non_editors(client_for, editor, contributor, reader):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("back_issue_import")
    for user in (contributor, reader):
        assert client_for(user).get(url).status_code == 403
    client = client_for(editor)
    html = client.post(
        url, {"file": SimpleUploadedFile("x.txt", b"\x00\x01\x02"), "action": "check"}
    ).content.decode()
    assert "不是文本文件" in html
    html = client.post(url, {"action": "check"}).content.decode()
    assert "请选择文件" in html


# --- what PDF text extraction does to words and numbers -----------------------------------

# The seed as a PDF's text layer can give it: a ligature for "ffi", a space before %, digits
# and letters in full width, the zero of a Chinese-numeral year typed as ○.
EXTRACTED = {
    "发放调查问卷 200 余份": "用Oﬃce表格发放调查问卷 200 余份",
    "满意率为 100%": "满意率为 40 %",
    "所有建议已经办理完毕": "至二○二四年底所有建议已经办理完毕",
    "最终将监督重点聚焦到 DRG 支付方式改革": "最终将监督重点聚焦到 ＤＲＧ 支付方式改革",
}


def extracted_2024_15() -> str:
    text = seed("2024-15")
    for right, extracted in EXTRACTED.items():
        assert text.count(right) == 1
        text = text.replace(right, extracted)
    return text


def test_the_parse_names_what_the_door_changed():
    repairs = [p.message for p in parse_issue_text(extracted_2024_15()).problems if p.kind == "normalized"]
    assert repairs == [
        "连字 1 处改为普通字母（如「ﬃ」→「ffi」）。",
        "全角数字或字母 1 处改为半角（如「ＤＲＧ」→「DRG」）。",
        "数字与 % ‰ ℃ 之间的空格 1 处已去掉（如「40 %」→「40%」）。",
        "年份中的“○”“O”“0” 1 处改为“〇”（如「二○二四年」→「二〇二四年」）。",
    ]


def test_the_parse_names_the_quotes_it_pairs_and_those_it_cannot():
    # 2024-06 has straight quotes throughout; one paragraph made odd.
    text = seed("2024-06").replace('助推人大监督"督"出实效', '助推人大监督"督出实效')
    problems = parse_issue_text(text).problems
    quotes = [p.message for p in problems if p.kind == "quotes"]
    assert len(quotes) == 1 and quotes[0].startswith("直引号 ") and quotes[0].endswith(" 处改为中文引号。")
    unpaired = [p for p in problems if p.kind == "unpaired_quotes"]
    assert [p.severity for p in unpaired] == ["warning"]
    assert "督出实效" in unpaired[0].message and unpaired[0].line > 0


@pytest.mark.django_db
def test_search_finds_what_extraction_had_broken(editor, reader, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    import_back_issue(actor=editor, result=parse_issue_text(extracted_2024_15()), source_name="2024-15")
    for words in ("Office", "40%", "DRG", "二〇二四年底"):
        assert len(search_published_items(words=words)) == 1, words
    # The archive page a reader searches on.
    client = client_for(reader)
    for words in ("Office", "40%"):
        page = client.get(reverse("archive"), {"q": words}).content.decode()
        assert "共 1 条" in page and f"<mark>{words}</mark>" in page, words
    body = "".join(Submission.objects.values_list("body", flat=True))
    assert "Oﬃce" not in body and "40 %" not in body and "ＤＲＧ" not in body and "二○" not in body


@pytest.mark.django_db
def test_imported_quotes_are_paired_as_the_entry_pairs_them(editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    import_back_issue(actor=editor, result=parse_issue_text(seed("2024-06")), source_name="2024-06")
    piece = Submission.objects.get(body__contains="监督工作法")
    assert "探索运用“四个+”监督工作法，凝聚监督合力，助推人大监督“督”出实效。" in piece.body
    assert '"' not in piece.body.replace("<p>", "").replace("</p>", "")
