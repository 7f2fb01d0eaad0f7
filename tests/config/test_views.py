import pytest
from django.urls import reverse

from accounts.models import Role
from submissions.models import Submission
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROLE_PAGES = ["home", "unit_home", "editor_home", "archive", "password_change"]


@pytest.mark.parametrize("name", ROLE_PAGES + ["admin:index"])
def test_anonymous_users_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_login_page_is_chinese(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    for text in ["杭州人大信息", "用户名", "密码", "登录"]:
        assert text in html


def test_wrong_password_gets_a_chinese_message(client, contributor):
    response = client.post(reverse("login"), {"username": "xihu", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@pytest.mark.parametrize(
    ("fixture", "landing", "visible_text"),
    [
        ("contributor", "unit_home", "本单位稿件"),
        ("editor", "editor_home", "编辑工作台"),
        ("reader", "archive", "往期刊物"),
        # The 管理员 gives a second factor first: at the first login, enrolment (accounts.second_factor).
        ("admin_account", "second_factor_enrol", "绑定身份验证器"),
    ],
)
def test_each_role_logs_in_and_lands_on_its_home(client, request, fixture, landing, visible_text):
    user = request.getfixturevalue(fixture)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].split("?")[0] == reverse(landing)
    assert visible_text in response.content.decode()


def test_navigation_shows_each_role_only_what_it_may_use(client_for, contributor, editor, reader):
    html = client_for(contributor).get(reverse("unit_home")).content.decode()
    assert "本单位稿件" in html and "编辑工作台" not in html and "系统管理" not in html
    html = client_for(editor).get(reverse("editor_home")).content.decode()
    assert "编辑工作台" in html and "本单位稿件" not in html and "系统管理" not in html
    html = client_for(reader).get(reverse("archive")).content.decode()
    assert "往期刊物" in html and "编辑工作台" not in html and "本单位稿件" not in html


@pytest.mark.parametrize("fixture", ["contributor", "reader"])
def test_editor_pages_are_forbidden_to_others(client_for, request, fixture):
    response = client_for(request.getfixturevalue(fixture)).get(reverse("editor_home"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.parametrize("fixture", ["editor", "reader", "admin_account"])
def test_unit_desk_is_for_contributors_only(client_for, request, fixture):
    assert client_for(request.getfixturevalue(fixture)).get(reverse("unit_home")).status_code == 403


@pytest.mark.parametrize("fixture", ["contributor", "editor", "reader"])
def test_admin_site_is_for_admins_only(client_for, request, fixture):
    response = client_for(request.getfixturevalue(fixture)).get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_manages_units_users_sections_publication(client_for, admin_account):
    client = client_for(admin_account)
    for name in [
        "admin:accounts_unit_changelist",
        "admin:accounts_user_changelist",
        "admin:bulletin_section_changelist",
        "admin:bulletin_publication_changelist",
    ]:
        assert client.get(reverse(name)).status_code == 200


def test_admin_changing_a_role_applies_the_rules(client_for, admin_account, make_user):
    from accounts.models import Unit

    user = make_user(Role.READER, username="zhangsan")
    unit = Unit.objects.get(short_name="余杭区")
    response = client_for(admin_account).post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "username": "zhangsan",
            "full_name": "张三",
            "email": "",
            "phone": "",
            "role": "admin",
            "unit": unit.pk,
            "is_active": "on",
        },
    )
    # An admin with a unit breaks the rule: the form says so and nothing changes.
    assert response.status_code == 200
    assert "报送员和审核人必须属于一个报送单位" in response.content.decode()
    user.refresh_from_db()
    assert user.role == Role.READER and not user.is_staff


def test_contributor_home_lists_only_their_units_pieces(client_for, contributor, other_contributor):
    Submission.objects.create(
        unit=contributor.unit, title="西湖区：三个力做活代表工作", created_by=contributor
    )
    Submission.objects.create(
        unit=other_contributor.unit, title="萧山区：深化助企服务", created_by=other_contributor
    )
    html = client_for(contributor).get(reverse("unit_home")).content.decode()
    assert "西湖区：三个力做活代表工作" in html
    assert "萧山区：深化助企服务" not in html
    assert "西湖区人大常委会" in html


def test_contributor_home_with_no_pieces_says_so(client_for, contributor):
    assert "本单位还没有稿件" in client_for(contributor).get(reverse("unit_home")).content.decode()


def test_password_change_in_chinese(client_for, contributor):
    client = client_for(contributor)
    page = client.get(reverse("password_change")).content.decode()
    assert "原密码" in page or "旧密码" in page
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Xihu-New-Pass-88", "new_password2": "Xihu-New-Pass-88"},
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    contributor.refresh_from_db()
    assert contributor.check_password("Xihu-New-Pass-88")


def test_logout_is_a_post_and_ends_the_session(client_for, reader):
    client = client_for(reader)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("archive")).status_code == 302


def test_static_assets_are_served_by_the_app(client_for, reader):
    from django.contrib.staticfiles import finders

    assert finders.find("bootstrap/css/bootstrap.min.css")
    assert finders.find("bootstrap/js/bootstrap.bundle.min.js")
    assert finders.find("css/app.css")
