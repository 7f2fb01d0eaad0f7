"""The word-level rules (lexicon, 的/地/得, 繁体字, body names) and the date and number rules of
GB/T 15835 added with them: each with sentences it must flag, and clean sentences of the kind
the office prints that it must leave alone. Pure functions: no database."""

import pytest

from accounts.reference_data import committee_rows, district_rows
from proofreading.checks import check_piece
from proofreading.findings import Finding
from proofreading.text import CheckContext, PieceText, UnitNames

UNITS = tuple(
    UnitNames(r["name"], r["short_name"], r["office_name"], r["kind"])
    for r in district_rows() + committee_rows()
)
CONTEXT = CheckContext(units=UNITS, traditional_names=("鍾書閣",))


def findings(*paragraphs: str, **fields) -> list[Finding]:
    context = fields.pop("context", CONTEXT)
    return check_piece(PieceText("p", fields.pop("title", ""), list(paragraphs), **fields), context)


def flagged(rule: str, *paragraphs: str, **fields) -> list[tuple[str, str]]:
    return [(f.excerpt, f.suggestion) for f in findings(*paragraphs, **fields) if f.rule == rule]


HITS = [
    # A misspelt word the segmenter knows whole (坐谈会) is still that word misspelt.
    ("lexicon", "区人大常委会召开坐谈会。", [("坐谈", "座谈")]),
    ("de_di_de", "他深有感触的说：“联络站就在家门口。”", [("的", "地")]),
    ("de_di_de", "各项工作有条不紊的推进。", [("的", "地")]),
    ("de_di_de", "这项工作做的扎实，那件事办的好。", [("的", "得"), ("的", "得")]),
    ("de_di_de", "活动开展的扎实有效，群众满意。", [("的", "得")]),
    ("lexicon", "会议对下一步工作作了布署。", [("布署", "部署")]),
    ("lexicon", "按排专人负责联络站日常工作。", [("按排", "安排")]),
    ("lexicon", "截止2024年底，全区共建成代表联络站42个。", [("截止", "截至")]),
    ("lexicon", "截止目前，已办结代表建议80件。", [("截止", "截至")]),
    ("lexicon", "请于报名截至日期前提交材料。", [("截至日期", "截止日期")]),
    ("lexicon", "建立问题清单台帐，实行销号管理。", [("台帐", "台账")]),
    ("lexicon", "专项资金实行专帐管理，做到帐目清楚。", [("专帐", "专账"), ("帐目", "账目")]),
    # A misspelling is wrong in a cited title too; a variant form there is cited as printed.
    ("lexicon", "印发《关于加强代表屡职的意见》。", [("屡职", "履职")]),
    ("lexicon", "其它事项由主任会议决定。", [("其它", "其他")]),
    ("lexicon", "代表可登陆“浙里办”平台提交建议。", [("登陆", "登录")]),
    ("lexicon", "即要敢于监督，又要善于监督。", [("即要", "既要")]),
    ("lexicon", "既使遇到困难，也要按期完成。", [("既使", "即使")]),
    ("lexicon", "代表登陆浙政钉查看交办件。", [("登陆", "登录")]),
    ("lexicon", "收到交办意见后立既组织整改。", [("立既", "立即")]),
    ("lexicon", "群众扫码既可反映诉求。", [("既可", "即可")]),
    ("lexicon", "常委会会议做出决定，依法任命。", [("做出", "作出")]),
    ("lexicon", "代表们为此做出了重要贡献。", [("做出", "作出")]),
    ("lexicon", "截止上半年，共走访选民120人次。", [("截止", "截至")]),
    ("lexicon", "通过座谈交流，即宣传政策，又收集意见。", [("即", "既")]),
    ("lexicon", "要作好换届选举的各项准备。", [("作好", "做好")]),
    ("lexicon", "代表们建言建策，共商国事。", [("建言建策", "建言献策"), ("共商国事", "共商国是")]),
    ("lexicon", "监督工作坚持一如继往，再接再励。", [("一如继往", "一如既往"), ("再接再励", "再接再厉")]),
    ("lexicon", "这项计画关连到群众切身利益。", [("计画", "计划"), ("关连", "关联")]),
    ("lexicon", "会上，部份代表反应问题较多。", [("部份", "部分"), ("反应问题", "反映问题")]),
    ("de_di_de", "代表们认真的开展调研，形成报告。", [("的", "地")]),
    ("de_di_de", "常委会扎实的推进各项工作。", [("的", "地")]),
    ("de_di_de", "对代表建议要尽快的办理答复。", [("的", "地")]),
    ("de_di_de", "代表们更加积极的参与监督工作。", [("的", "地")]),
    ("de_di_de", "联络站充分的发挥作用。", [("的", "地")]),
    ("de_di_de", "要把联络站建设做的更好。", [("的", "得")]),
    ("de_di_de", "主题活动开展的有声有色。", [("的", "得")]),
    ("de_di_de", "今年以来，各项工作开展的很好。", [("的", "得")]),
    ("de_di_de", "整改工作推进的十分顺利，群众满意。", [("的", "得")]),
    ("traditional", "區人大常委會召开主任会议。", [("區人大常委會", "区人大常委会")]),
    ("traditional", "会议听取了關於预算执行情况的报告。", [("關於", "关于")]),
    ("body_name", "市人大常委主任会议审议通过。", [("人大常委", "人大常委会")]),
    ("body_name", "由区人大常委办公室牵头组织。", [("人大常委", "人大常委会")]),
    ("body_name", "近日，市人大常委召开第十次会议。", [("人大常委", "人大常委会")]),
    ("body_name", "近日，建德人大组织代表开展视察。", [("建德人大", "建德市人大常委会")]),
    ("body_name", "建德人大常委会召开会议。", [("建德人大常委会", "建德市人大常委会")]),
    ("body_name", "西湖人大代表深入联络站。", [("西湖人大", "西湖区人大")]),
    ("date_format", "2025.4，常委会启动执法检查。", [("2025.4", "2025年4月")]),
    ("date_format", "自2024.10起实施，至2025.3结束。", [("2024.10", "2024年10月"), ("2025.3", "2025年3月")]),
    ("two_digit_year", "24年底，全区建成联络站20个。", [("24年", "2024年")]),
    ("two_digit_year", "24年，常委会共听取报告12项。", [("24年", "2024年")]),
    ("two_digit_year", "完成23年度预算审查。", [("23年", "2023年")]),
    ("two_digit_year", "常委会于24年启动立法调研。", [("24年", "2024年")]),
    ("two_digit_year", "对23年、24年建议办理情况进行回访。", [("23年", "2023年"), ("24年", "2024年")]),
    ("two_digit_year", "印发《24年工作要点》。", [("24年", "2024年")]),
    ("date_zero", "会议于2024年01月05日召开。", [("01月", "1月"), ("05日", "5日")]),
    ("date_zero", "2024年3月08日，代表开展视察。", [("08日", "8日")]),
    (
        "full_width_alnum",
        "２０２４年，全区ＧＤＰ增长５％。",
        [("２０２４", "2024"), ("ＧＤＰ", "GDP"), ("５", "5")],
    ),
    ("circle_for_zero", "二O二四年三月", [("O", "〇")]),
    ("circle_for_zero", "二0二三年工作要点", [("0", "〇")]),
    ("circle_for_zero", "二〇二Ｏ年", [("Ｏ", "〇")]),
    ("circle_for_zero", "二零二四年工作要点", [("零", "〇")]),
    ("percent_range", "满意度提升15-30%。", [("15-30%", "15%～30%")]),
    ("stale_field", "详见错误！书签未定义。", [("错误！书签未定义。", "")]),
    ("stale_field", "详见错误! 书签未定义.", [("错误! 书签未定义.", "")]),
    ("stale_field", "单击或点击此处输入文字。", [("单击或点击此处输入文字。", "")]),
    ("stale_field", "会议时间：单击此处输入日期。", [("单击此处输入日期。", "")]),
    ("stale_field", "see Error! Bookmark not defined.", [("Error! Bookmark not defined.", "")]),
]


@pytest.mark.parametrize(("rule", "text", "expected"), HITS)
def test_rule_hits(rule, text, expected):
    assert flagged(rule, text) == expected


# Clean sentences: none of the new rules may say anything.
NEAR_MISSES = [
    "会议对下一步工作作出部署，安排专人负责。",
    "按排名顺序发言，按排序先后办理。",
    "报名截止日期为5月1日，截止时间为下午5点，逾期报名截止。",
    "截至2024年底，全区共建成代表联络站42个。",
    "截止到目前，共收到建议30件。",
    "台风登陆前，代表深入一线；部队登陆作战演练。",
    "即是说，这项工作要抓紧；即使遇到困难，也要立即整改，随即召开会议。",
    "既要敢于监督，又要善于监督。",
    "把它当作好事来办，看作实事来抓。",
    "做出样品，做出一桌好菜；即日起施行，即可办理，即又称为。",
    "两项制度，即代表接待制度；当即表示，又一次召开会议。",
    "会后即赴现场察看，又召开座谈会；收到后即予答复，又跟踪回访。",
    "既可线上提交，也可线下反映；积极的推动作用，认真的审议意见稿。",
    "各项工作都要做好，作出决定后抓好落实。",
    "认真地开展调研，积极的推动作用，得到广泛的支持，进行认真的审议。",
    "有的放矢，的确如此，目的地明确，全面地展示履职成果。",
    "他们所做的很好。他说的很对。这样做的好处很多。",
    "有计划地听取和审议专项工作报告。",
    "开展深入的调研，作出了积极的探索，给予有力的支持，提供更好的服务体验。",
    "这样做的好处很多，做的工作有声有色的活动。",
    "这个方法真的很好。目标是的确很好。",
    "杭州市人大常委会主任会议，市人大常委会办公厅。",
    "他是全国人大常委，长期关注教育；全国人大常委、教授张某；省人大常委的建议；当选全国人大常委后，担任省人大常委多年。",
    "台风登陆前，台风“梅花”登陆后，代表深入一线。",
    "这既使群众满意，又使企业受益；既便民又利民，既便于监督又便于服务。",
    "余杭人大微信公众号发布通知。",
    "《人民代表大会制度确立70周年暨临安人大成立70周年系列纪念活动方案》。",
    "西湖区人大常委会、建德市人大常委会、淳安县人大代表。",
    "市人大常委会法制工作委员会、市人大常委会法工委、省人大财经委、全国人大监察司法委、建德市人大常委会新安江街道工委。",
    # The city's 人大 has 专门委员会 of its own beside the 常委会's 工作委员会.
    "市人大财经委、市人大法制委员会、市人大常委会财经工委分别提出意见。",
    # Landing on an island is 登陆; seats taken row by row are 按排; a file's number is no date.
    "舰队第一次登陆该岛，随后登陆海滩。",
    "观众按排入座，按排名先后发言。",
    "编号为2024.1的文件已印发，文号2024.3。",
    "第24年度报告已完成。",
    "给予积极的支持。我们做的好事很多。他说的好。取得了显著的提高。这是认真的说明。",
    "2024.1万元，增长2024.5亿元，版本号2024.1，V2025.4。",
    "近24年来，历时24年，24年间，连续24年。",
    "他在人大工作了24年，在24年的时间里，为24名年轻干部，在24年轻干部中。",
    "10月1日，12月31日，2024年10月05号楼。",
    "二〇二四年，○已完成，O型血，0.5米，一百零五年，零零星星，二零二四。",
    "鍾書閣杭州店举办读书会。",
    "乾隆年间的著作。",
    "系统提示错误，未找到相关文件；请在此处输入意见。",
    "满意度10%～20%，2023-2024年增长15%。",
    "在《中国人大》杂志发表文章《布置与落实》，引用《关于其它事项的通知》。",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses(text):
    new_rules = {"lexicon", "de_di_de", "traditional", "body_name", "date_format", "two_digit_year"}
    new_rules |= {"date_zero", "full_width_alnum", "circle_for_zero", "stale_field", "percent_range"}
    assert [(f.rule, f.excerpt) for f in findings(text) if f.rule in new_rules] == []


def test_a_name_in_traditional_on_purpose_is_left_alone_only_when_listed():
    text = "鍾書閣杭州店举办读书会。"
    assert flagged("traditional", text, context=CheckContext(units=UNITS)) == [("鍾書閣", "钟书阁")]
    assert flagged("traditional", text) == []


def test_a_source_already_in_the_explanation_is_not_said_twice():
    (finding,) = [f for f in findings("其它事项另行通知。") if f.rule == "lexicon"]
    assert finding.message.count("《现代汉语词典》第7版") == 1


def test_messages_explain_and_quote_the_text():
    (lexicon,) = [f for f in findings("截止2024年底，共建成42个。") if f.rule == "lexicon"]
    assert "截至" in lexicon.message and "时间点" in lexicon.message and "公文用语" in lexicon.message
    (percent,) = [f for f in findings("满意度提升15-30%。") if f.rule == "percent_range"]
    assert "15-30%" in percent.message and "15%～30%" in percent.message and "10%" not in percent.message
    (year,) = [f for f in findings("24年底，全区建成联络站。") if f.rule == "two_digit_year"]
    assert "2024年" in year.message


def test_a_brief_opening_is_left_to_the_unit_name_rule():
    found = findings("建德人大组织代表视察。", kind="brief")
    assert [f.rule for f in found if f.excerpt.startswith("建德人大")] == ["unit_name"]


def test_the_title_is_checked_too():
    assert flagged("lexicon", "正文。", title="区人大常委会布署年度工作") == [("布署", "部署")]
    assert flagged("circle_for_zero", "正文。", title="二O二四年工作要点") == [("O", "〇")]
