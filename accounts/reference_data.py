"""The units every installation starts with (loaded by a data migration).

Plain constants so the migration, the tests and the demo data read one list.
"""

# 13 区、县（市）, in the order the city lists them.
DISTRICTS: list[str] = [
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
    "桐庐县",
    "淳安县",
    "建德市",
]

# Municipal committees (市人大常委会工作机构): (short name used in bylines, full name).
COMMITTEES: list[tuple[str, str]] = [
    ("办公厅", "市人大常委会办公厅"),
    ("研究室", "市人大常委会研究室"),
    ("法工委", "市人大常委会法制工作委员会"),
    ("代表工委", "市人大常委会代表工作委员会"),
    ("社会工委", "市人大常委会社会建设工作委员会"),
    ("财经工委", "市人大常委会财政经济工作委员会"),
    ("预算工委", "市人大常委会预算工作委员会"),
    ("监察司法工委", "市人大常委会监察和司法工作委员会"),
    ("教科文卫工委", "市人大常委会教育科学文化卫生工作委员会"),
    ("城建环资工委", "市人大常委会城乡建设环境与资源保护工作委员会"),
    ("农业农村工委", "市人大常委会农业与农村工作委员会"),
    ("民宗侨外工委", "市人大常委会民族宗教华侨外事工作委员会"),
]


def district_rows() -> list[dict]:
    return [
        {
            "short_name": short,
            "name": f"{short}人大常委会",
            "kind": "district",
            "office_name": f"{short}人大常委会办公室",
            "position": index,
        }
        for index, short in enumerate(DISTRICTS, start=1)
    ]


def committee_rows() -> list[dict]:
    # Committee pieces are signed with the short name alone: "(法工委 金 颖)".
    return [
        {
            "short_name": short,
            "name": full,
            "kind": "committee",
            "office_name": short,
            "position": index,
        }
        for index, (short, full) in enumerate(COMMITTEES, start=1)
    ]
