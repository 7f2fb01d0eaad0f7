from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Term(models.Model):
    """规范用语: one line of the publication's terms list, edited by the admin — the
    office's own additions to the shipped lexicon (``proofreading/data/lexicon.tsv``):
    a word it wants written one way, with the reason shown in the finding and its source.

    The check flags each variant in a title or body and suggests the preferred form; a
    variant inside the preferred form (十四五 in “十四五”) or inside an exception
    (人民代表 in 人民代表大会) is right.
    """

    preferred = models.CharField("规范写法", max_length=32, unique=True, help_text="如：“十四五”、人大代表")
    variants = models.TextField("应改的写法", help_text="每行一个，如：十四五（不带引号）、人民代表")
    exceptions = models.TextField(
        "不算错的写法", blank=True, help_text="每行一个，含有应改写法但本身正确的词，如：人民代表大会"
    )
    note = models.CharField(
        "说明",
        max_length=150,
        blank=True,
        help_text="为什么这样写，显示在提示中，如：本刊语境；“截至”后接时间点",
    )
    source = models.CharField(
        "依据",
        max_length=60,
        blank=True,
        help_text="写法的出处，显示在提示中，如：《现代汉语词典》第7版、教育部《第一批异形词整理表》、本单位规定",
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "规范用语"
        verbose_name_plural = "规范用语"
        ordering = ["preferred"]

    def __str__(self) -> str:
        return self.preferred

    @staticmethod
    def lines(text: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


class ProofreadingOptions(models.Model):
    """The office's settings for 校对 and 查重 (one row; the admin edits it)."""

    # A containment (the share of the shorter piece's wording found in the other): re-sent,
    # halved, merged and condensed copies measure 0.7 and more, unrelated pieces on the same
    # topic 0.4 and less. At most 0.5, so a piece listed as sharing most of its text is
    # always a warning.
    similarity_threshold = models.FloatField(
        "查重提醒阈值",
        default=0.5,
        validators=[MinValueValidator(0.2), MaxValueValidator(0.5)],
        help_text="两篇稿件中较短一篇的文字有这么大比例（0.2～0.5）见于另一篇时，在审稿页、审稿列表和"
        "校对面板中提醒。整篇重发、半篇重发、两篇合并、压缩成摘登的稿件一般在0.8以上，"
        "同一主题的不同稿件一般不超过0.4。",
    )
    unit_not_leading_twice = models.BooleanField(
        "同一单位不连续领衔栏目", default=False, help_text="勾选后，相邻两个栏目的第一篇不应来自同一单位。"
    )
    traditional_names = models.TextField(
        "允许使用繁体字的名称",
        blank=True,
        help_text="每行一个。有意写成繁体的人名、地名、商号等（如：鍾書閣），校对时不提示繁体字。",
    )

    class Meta:
        verbose_name = "校对设置"
        verbose_name_plural = "校对设置"

    def __str__(self) -> str:
        return "校对与查重设置"

    @property
    def traditional_name_list(self) -> tuple[str, ...]:
        return Term.lines(self.traditional_names)

    @classmethod
    def current(cls) -> "ProofreadingOptions":
        """The one row (an unsaved default when the admin has not saved one)."""
        return cls.objects.order_by("pk").first() or cls()


class Dismissal(models.Model):
    """A finding the editor set aside, with the reason: of a piece (whatever issue it is
    checked in) or of an issue as a whole (its numbers)."""

    submission = models.ForeignKey(
        "submissions.Submission",
        verbose_name="稿件",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proofreading_dismissals",
    )
    issue = models.ForeignKey(
        "bulletin.Issue",
        verbose_name="期",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proofreading_dismissals",
    )
    rule = models.CharField("规则", max_length=32)
    key = models.CharField("提示标识", max_length=20)
    excerpt = models.CharField("原文", max_length=200, blank=True)
    message = models.CharField("提示", max_length=200)
    reason = models.CharField("理由", max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "已忽略的校对提示"
        verbose_name_plural = "已忽略的校对提示"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="dismissal_of_piece_or_issue",
                condition=(Q(submission__isnull=False) & Q(issue__isnull=True))
                | (Q(submission__isnull=True) & Q(issue__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["submission", "key"],
                condition=Q(submission__isnull=False),
                name="dismissal_piece_key",
            ),
            models.UniqueConstraint(
                fields=["issue", "key"], condition=Q(issue__isnull=False), name="dismissal_issue_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message}（{self.reason}）"


class Fingerprint(models.Model):
    """查重 index entry: the text and shingles of a piece as it prints, and the
    ``Submission.version`` they were computed from (a newer version makes them stale)."""

    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    version = models.PositiveIntegerField()
    # The piece's updated_at when indexed: the index is refreshed from the pieces changed
    # since the newest of these (an indexed column, so the check costs one index read).
    source_updated_at = models.DateTimeField(db_index=True)
    # When this row was written: each process's in-memory sample index reads the rows
    # written since it last looked (a sweep writes rows of pieces changed long ago).
    indexed_at = models.DateTimeField(db_index=True)
    text = models.TextField()  # the printed text compared (title and body, one paragraph a line)
    text_hash = models.CharField(max_length=40)
    shingle_count = models.PositiveIntegerField()
    shingles = models.BinaryField()  # the sorted distinct shingle hashes, little-endian uint32

    class Meta:
        verbose_name = "查重指纹"
        verbose_name_plural = "查重指纹"

    def __str__(self) -> str:
        return f"查重指纹 {self.submission_id} v{self.version}"
