"""What the admin adds to the word checks: a 规范用语 entry with its reason and source, and
the names written in traditional characters on purpose (校对设置)."""

from django.urls import reverse

from proofreading import queries
from proofreading.models import ProofreadingOptions, Term
from tests.issue_helpers import submitted_piece


def rules_of(piece):
    return [
        (s.finding.rule, s.finding.excerpt, s.finding.suggestion, s.finding.message)
        for s in queries.piece_report(piece, with_similar=False).findings
    ]


def test_an_entry_added_in_the_admin_is_checked_with_its_reason_and_source(contributor):
    Term.objects.create(
        preferred="代表联络站", variants="代表联系站", note="本市统一名称", source="市人大常委会规定"
    )
    piece = submitted_piece(contributor, "西湖区：代表联络站建设", body="<p>全区新建代表联系站12个。</p>")
    (found,) = [f for f in rules_of(piece) if f[0] == "term"]
    assert found[1:3] == ("代表联系站", "代表联络站")
    assert "本市统一名称" in found[3] and "市人大常委会规定" in found[3]


def test_traditional_names_come_from_the_options(contributor):
    body = "<p>代表走进鍾書閣开展阅读推广活动，區人大组织。</p>"
    piece = submitted_piece(contributor, "西湖区：全民阅读", body=body)
    assert [f[1] for f in rules_of(piece) if f[0] == "traditional"] == ["鍾書閣", "區"]
    options = ProofreadingOptions.current()
    options.traditional_names = "鍾書閣\n\n"
    options.save()
    assert queries.check_context().traditional_names == ("鍾書閣",)
    assert [f[1] for f in rules_of(piece) if f[0] == "traditional"] == ["區"]


def test_the_admin_pages_name_the_fields_in_chinese(client_for, admin_account):
    admin_account.is_staff = True
    admin_account.save()
    client = client_for(admin_account)
    page = client.get(reverse("admin:proofreading_term_add")).content.decode()
    assert "说明" in page and "依据" in page and "不算错的写法" in page
    options = ProofreadingOptions.current()
    options.save()
    page = client.get(reverse("admin:proofreading_proofreadingoptions_change", args=[options.pk]))
    assert "允许使用繁体字的名称" in page.content.decode()
    response = client.post(
        reverse("admin:proofreading_term_add"),
        {
            "preferred": "部署",
            "variants": "布暑",
            "exceptions": "",
            "note": "“部署”的“部”误作“布”",
            "source": "《现代汉语词典》第7版",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Term.objects.get(preferred="部署").source == "《现代汉语词典》第7版"
