import pytest

from accounts.models import Unit
from bulletin.models import Publication, Section

pytestmark = pytest.mark.django_db

DISTRICTS = (
    "上城区 拱墅区 西湖区 滨江区 萧山区 余杭区 临平区 钱塘区 富阳区 临安区 桐庐县 淳安县 建德市".split()
)


def test_thirteen_districts_in_order():
    units = list(Unit.objects.filter(kind=Unit.Kind.DISTRICT).order_by("position"))
    assert [u.short_name for u in units] == DISTRICTS
    assert [u.name for u in units] == [f"{d}人大常委会" for d in DISTRICTS]
    assert Unit.objects.get(short_name="西湖区").office_name == "西湖区人大常委会办公室"


def test_committees_from_the_seeds_exist_and_sign_with_their_short_name():
    for short in ["法工委", "代表工委", "社会工委", "研究室"]:
        unit = Unit.objects.get(short_name=short, kind=Unit.Kind.COMMITTEE)
        assert unit.office_name == short  # "(法工委 金 颖)"


def test_six_sections_in_order_with_briefs_last():
    sections = list(Section.objects.order_by("position"))
    assert [s.name for s in sections] == [
        "要闻速递",
        "助力攻坚",
        "监督纵横",
        "代表工作",
        "情况交流",
        "信息摘登",
    ]
    assert [s.kind for s in sections] == ["articles"] * 5 + ["briefs"]


def test_publication_as_in_the_seeds():
    pub = Publication.objects.get(name="杭州人大信息")
    assert pub.compiler == "杭州市人大常委会研究室编"
    assert pub.default_editor_name == "杨青青"
    assert pub.default_editor_phone == "(0571)85250657"
    assert pub.default_distribution.splitlines() == [
        "省人大常委会办公厅、研究室",
        "市人大常委会组成人员，市人大机关各部门，各区、县（市）人大常委会",
    ]


def test_reference_migrations_are_idempotent():
    from importlib import import_module

    from django.apps import apps

    before = (Unit.objects.count(), Section.objects.count(), Publication.objects.count())
    import_module("accounts.migrations.0002_squashed_reference_units").load_units(apps, None)
    import_module("bulletin.migrations.0003_squashed_reference_sections_publication").load(apps, None)
    assert (Unit.objects.count(), Section.objects.count(), Publication.objects.count()) == before
