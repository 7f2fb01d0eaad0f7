"""Demo data for trying the system (`manage.py load_demo`, run by `make run`): accounts,
pieces in every state, the sample back issues in the archive and an issue in assembly."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from accounts.actions import change_role, create_account, reset_password
from accounts.models import Role, Unit, User
from assessment.actions.quotas import set_quota
from assessment.models import Quota
from backissues.actions import import_back_issue
from backissues.parsing.parser import NotAnIssueError, parse_issue_file
from bulletin.actions.issues import create_issue
from bulletin.actions.placements import place_submission
from bulletin.models import Issue, Publication, Section
from demo.samples import seed_files, seeds_dir
from submissions.actions import commissions, pieces
from submissions.models import Submission

DEMO_PASSWORD = "hzrd2024"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_short_name: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("bianji", "杨青青", Role.EDITOR),
    DemoAccount("xihu", "钱苏晚", Role.CONTRIBUTOR, "西湖区"),
    DemoAccount("xiaoshan", "邵羽晨", Role.CONTRIBUTOR, "萧山区"),
    # 西湖区 has a 审核人: its pieces wait for 签发 before they reach the editor.
    DemoAccount("xihu_shenhe", "王志强", Role.REVIEWER, "西湖区"),
    DemoAccount("duzhe", "陈思远", Role.READER),
    DemoAccount("guanli", "周建国", Role.ADMIN),
    DemoAccount("shenji", "林晓燕", Role.AUDITOR),
]


@transaction.atomic
def load_demo_accounts() -> list[User]:
    """Create the demo accounts, or reset them to their demo role and password."""
    users = []
    for account in DEMO_ACCOUNTS:
        unit = Unit.objects.get(short_name=account.unit_short_name) if account.unit_short_name else None
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = create_account(
                actor=None,
                username=account.username,
                password=DEMO_PASSWORD,
                role=account.role,
                full_name=account.full_name,
                unit=unit,
            )
        else:
            change_role(actor=None, user=user, role=account.role, unit=unit)
            reset_password(actor=None, user=user, password=DEMO_PASSWORD)
        users.append(user)
    return users


# Demo pieces, shortened from real issues (2024年第1期、第15期), each taken through the
# real workflow so the demo shows every state a piece can be in.
DEMO_PIECES = [
    {
        "unit": "xihu",
        "title": "西湖区：“点、线、面”结合助力优化营商环境",
        "body": (
            "<p>西湖区人大常委会坚持将优化法治营商环境作为助力三个“一号工程”的重要抓手，在常委会专题审议的基础上，"
            "开展跟踪督查、视察、听取工作汇报，督促落实审议意见，持续擦亮西湖区“法护营商”的金字招牌。</p>"
            "<p><strong>一是精准监督，助力做强商事纠纷调解“点”。</strong>围绕“提高商事纠纷解决的质效”审议意见，"
            "区人大常委会开展跟踪督查3次，深入推进以律师调解组织为主的市场化纠纷调解机制建设。目前商会调解中心已吸纳2家律所入驻，"
            "成功调解商事纠纷252件。</p>"
            "<p><strong>二是协同履职，助力筑牢知识产权保护“线”。</strong>围绕“强化知识产权协同保护”审议意见，"
            "区人大常委会专题组织四级人大代表视察，助力知识产权交易中心建设。</p>"
        ),
        "authors": "钱苏晚",
        "section": "助力攻坚",
        "state": "adopted",
    },
    {
        "unit": "xiaoshan",
        "title": "萧山区：做好“三篇文章”助推政务服务增值化改革",
        "body": (
            "<p>萧山区人大常委会以企业综合服务中心建设为切口，做好督、促、宣“三篇文章”，全面助推政务服务增值化改革。</p>"
            "<p><strong>一是聚焦业务融合，做好“督”的文章。</strong>将政务服务增值化改革列为全年首个重点专项监督议题，"
            "推动190项核心涉企增值事项与29项“一类事”应用场景集中进驻区企服中心。</p>"
        ),
        "authors": "邵羽晨 郭彧杰",
        "section": "助力攻坚",
        "state": "submitted",
    },
    {
        "unit": "xiaoshan",
        "title": "萧山区：深化助企服务 推动营商环境优化提升",
        "body": (
            "<p>萧山区人大常委会认真贯彻省市区委“新春第一会”会议精神，牵头开展“助企服务”大攻坚，"
            "发布助企服务“二十条”，全力助推营商环境优化提升。</p>"
        ),
        "authors": "郭彧杰",
        "section": "助力攻坚",
        "state": "returned",
    },
    {
        "unit": "xihu",
        "title": "西湖区：“三个力”做活代表工作",
        "body": (
            "<p>西湖区人大常委会坚持把保障代表权利、发挥代表作用作为工作重点，创新方式方法、激发履职激情，"
            "不断增强代表工作活力。</p><p><strong>一是以学促干提能力。</strong>组织代表开展能力提升培训。</p>"
        ),
        "authors": "李寄 斯董瑾",
        "section": "代表工作",
        "state": "draft",
    },
]


@transaction.atomic
def load_demo_pieces(users: list[User]) -> int:
    """Create the demo pieces that do not exist yet; returns how many were made."""
    by_name = {user.username: user for user in users}
    editor = by_name["bianji"]
    made = 0
    for spec in DEMO_PIECES:
        author = by_name[spec["unit"]]
        if Submission.objects.filter(unit=author.unit, title=spec["title"]).exists():
            continue
        piece = pieces.create_draft(
            actor=author,
            title=spec["title"],
            body=spec["body"],
            byline_authors=spec["authors"],
            contact_name=author.full_name,
            suggested_section=Section.objects.get(name=spec["section"]),
        )
        if spec["state"] != "draft":
            piece = pieces.submit(actor=author, submission=piece, signer_name="李建华")
            if piece.status == Submission.Status.PENDING_SIGNOFF:
                reviewer = next(u for u in users if u.role == Role.REVIEWER and u.unit_id == author.unit_id)
                pieces.sign_off(actor=reviewer, submission=piece)
        if spec["state"] == "adopted":
            pieces.adopt_as_article(actor=editor, submission=piece)
        elif spec["state"] == "returned":
            pieces.return_for_revision(
                actor=editor, submission=piece, note="请补充助企服务“二十条”落实的具体成效和数据。"
            )
        made += 1
    return made


@transaction.atomic
def load_demo_office_work(editor: User) -> bool:
    """报送任务 (区、县（市） 2 a month, 市直工委 1 a month, from this month) and one open 约稿,
    unless the office already has quotas. Returns whether anything was made."""
    import datetime

    from django.utils import timezone

    if Quota.objects.exists():
        return False
    today = timezone.localdate()
    set_quota(
        actor=editor,
        unit_kind=Unit.Kind.DISTRICT,
        period="month",
        count=2,
        starts=today,
        note="区、县（市）每月2篇",
    )
    set_quota(
        actor=editor,
        unit_kind=Unit.Kind.COMMITTEE,
        period="month",
        count=1,
        starts=today,
        note="市直工委每月1篇",
    )
    # The 研究室 edits the bulletin; it is a 市直工委 by kind but owes no pieces to itself.
    set_quota(
        actor=editor,
        unit=Unit.objects.get(short_name="研究室"),
        period="month",
        count=0,
        starts=today,
        note="研究室编辑本刊，免报",
    )
    commissions.create_commission(
        actor=editor,
        topic="基层立法联系点建设成效",
        requirements="1500字以内，突出具体做法和数据。",
        deadline=today + datetime.timedelta(days=7),
        units=list(Unit.objects.filter(short_name__in=["西湖区", "萧山区", "滨江区"])),
    )
    return True


def load_demo_back_issues(editor: User) -> tuple[int, Path | None]:
    """Import the sample back issues (demo/sample_issues) not yet in the archive.

    Returns how many were imported and the folder they came from (None when there is none).
    """
    files = seed_files()
    if not files:
        return 0, None
    made = 0
    for path in files:
        try:
            result = parse_issue_file(path)
        except NotAnIssueError:
            continue  # another text file in the folder
        doc = result.document
        if result.errors or doc is None:
            continue
        if Issue.objects.filter(
            publication__name=doc.publication_name, year=doc.year, number=doc.number
        ).exists():
            continue
        import_back_issue(actor=editor, result=result, source_name=path.name)
        made += 1
    return made, seeds_dir()


DEMO_DISTRIBUTION_LISTS = [
    (
        "专刊（加送市委、市政府）",
        "省人大常委会办公厅、研究室\n市委、市政府办公厅，市人大常委会组成人员，市人大机关各部门，各区、县（市）人大常委会",
    ),
]


def load_demo_distribution_lists() -> None:
    """A 发送范围模板 besides the default, so the issue form has one to apply."""
    publication = Publication.objects.order_by("pk").first()
    for position, (name, text) in enumerate(DEMO_DISTRIBUTION_LISTS, start=1):
        publication.distribution_lists.get_or_create(name=name, defaults={"text": text, "position": position})


@transaction.atomic
def load_demo_draft_issue(editor: User):
    """An issue in assembly, dated today, with the adopted demo piece placed; None when the
    office already has an issue in assembly."""
    from django.utils import timezone

    if Issue.objects.filter(status=Issue.Status.DRAFT).exists():
        return None
    issue = create_issue(
        actor=editor, publication=Publication.objects.order_by("pk").first(), date=timezone.localdate()
    )
    adopted = Submission.objects.filter(
        status=Submission.Status.ADOPTED, title__in=[spec["title"] for spec in DEMO_PIECES]
    ).select_related("suggested_section")
    for piece in adopted:
        issue.refresh_from_db()
        place_submission(
            actor=editor,
            issue=issue,
            submission=piece,
            section=piece.suggested_section,
            expected_version=issue.layout_version,
        )
    return issue
