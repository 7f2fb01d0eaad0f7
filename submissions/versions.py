"""The kept versions of a piece (报送稿, 编辑修改, 冲突未保存稿 and the current text), to open
one and to compare any two on every text field. The reads are in queries.py."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.safestring import SafeString

from submissions.models import Revision, Submission
from text.diff import diff_html, diff_text
from text.richtext import body_runs, runs_to_html

CURRENT = "current"

# (field, label) in the order the page shows them.
FIELDS = (
    ("title", "标题"),
    ("subtitle", "标题第二行"),
    ("body", "正文"),
    ("byline_org", "署名单位"),
    ("byline_authors", "作者"),
)


@dataclass(frozen=True)
class TextVersion:
    """One text of a piece: a kept Revision, or the piece as it is now (key "current")."""

    key: str  # "current" or the revision's id as a string (the ?a= / ?b= of the page)
    kind: str  # "当前稿", "报送稿", "编辑修改", "冲突未保存稿"
    at: datetime.datetime | None
    author: str
    title: str
    subtitle: str
    body: str
    byline_org: str
    byline_authors: str
    # For a refused save (冲突未保存稿) shown beside the form: the current text it is read
    # against, so the page can say which of its parts the current text already has.
    against: "TextVersion | None" = None
    note: str = ""  # what a one-step change was (校对改正：布署→部署（2 处）)

    @property
    def unchanged(self) -> set[str]:
        """The text fields equal to the `against` text (none without one)."""
        if self.against is None:
            return set()
        return {name for name, _ in FIELDS if getattr(self, name) == getattr(self.against, name)}

    @property
    def paragraphs_marked(self) -> list[tuple[str, bool]]:
        """(paragraph html, whether the `against` text already has this paragraph)."""
        present = set(self.against.paragraphs_html) if self.against is not None else set()
        return [(p, p in present) for p in self.paragraphs_html]

    @property
    def label(self) -> str:
        when = timezone.localtime(self.at).strftime("%-m月%-d日 %H:%M") if self.at else ""
        return " · ".join(part for part in (self.kind, when, self.author) if part)

    @property
    def paragraphs_html(self) -> list[str]:
        """The body as one sanitized "<p>…</p>" per paragraph (to take one at a time)."""
        return [runs_to_html([runs]) for runs in body_runs(self.body)]

    @classmethod
    def of_revision(cls, revision: Revision, against: "TextVersion | None" = None) -> "TextVersion":
        return cls(
            key=str(revision.pk),
            kind=revision.get_kind_display(),
            at=revision.created_at,
            author=revision.author.display_name,
            against=against,
            note=revision.note,
            **{name: getattr(revision, name) for name, _ in FIELDS},
        )

    @classmethod
    def of_piece(cls, piece: Submission) -> "TextVersion":
        return cls(
            key=CURRENT,
            kind="当前稿",
            at=piece.updated_at,
            author="",
            **{name: getattr(piece, name) for name, _ in FIELDS},
        )


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    changed: bool
    html: SafeString


def compare(old: TextVersion, new: TextVersion) -> list[FieldDiff]:
    """Every text field of two versions, each marked within the sentence (empty fields on
    both sides are left out)."""
    result = []
    for name, label in FIELDS:
        a, b = getattr(old, name) or "", getattr(new, name) or ""
        if not a and not b:
            continue
        marked = diff_html(a, b) if name == "body" else diff_text(a, b)
        result.append(FieldDiff(name=name, label=label, changed=a != b, html=marked))
    return result


def pick(versions: list[TextVersion], key: str | None) -> TextVersion | None:
    return next((v for v in versions if v.key == key), None)
