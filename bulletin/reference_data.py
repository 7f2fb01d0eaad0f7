"""Sections and the publication every installation starts with, as the seeds show them."""

# (name, kind) in the order the issue prints them.
SECTIONS: list[tuple[str, str]] = [
    ("要闻速递", "articles"),
    ("助力攻坚", "articles"),
    ("监督纵横", "articles"),
    ("代表工作", "articles"),
    ("情况交流", "articles"),
    ("信息摘登", "briefs"),
]

PUBLICATION: dict[str, str] = {
    "name": "杭州人大信息",
    "compiler": "杭州市人大常委会研究室编",
    "default_distribution": (
        "省人大常委会办公厅、研究室\n市人大常委会组成人员，市人大机关各部门，各区、县（市）人大常委会"
    ),
    "default_editor_name": "杨青青",
    "default_editor_phone": "(0571)85250657",
    "extra_line": "",
}
