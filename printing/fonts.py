"""Font resolution for the printed issue.

The print layout needs two things from a font: the file WeasyPrint embeds, and the
glyph advances and character coverage our own line breaker measures with. Both must
describe exactly the same face, or the justified lines would miss the right edge.

Free faces from Debian's packages serve by default. An office that holds licences for
方正小标宋简体, 仿宋_GB2312, 黑体 or 楷体_GB2312 drops the files into the folder named by
``settings.BULLETIN_FONT_DIR``; a file whose name matches a role's patterns replaces
the free face for that role.
"""

from __future__ import annotations

import fnmatch
import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from printing.glyphs import unsafe_code_points

FANDOL_DIR = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
WENKAI_DIR = Path("/usr/share/fonts/truetype/lxgw-wenkai")

FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc"}


@dataclass(frozen=True)
class Face:
    """One concrete font face: a file (and face index) plus how CSS selects it."""

    key: str  # CSS class suffix: .f-<key>
    path: Path
    index: int
    css_family: str
    css_weight: int
    # Faces not known to fontconfig (FandolFang, licensed files) are loaded by URL
    # through @font-face; system faces are selected by their fontconfig family name,
    # which also picks the right member of a .ttc collection (SC, not JP).
    via_font_face: bool
    bold: bool = False
    licensed: bool = False

    @property
    def css_class(self) -> str:
        return f"f-{self.key}"


@dataclass(frozen=True)
class RoleSpec:
    patterns: tuple[str, ...]  # licensed file-name patterns, case-insensitive
    free: Face
    fallbacks: tuple[str, ...]  # keys of faces to try for characters the face lacks


# Free faces (Debian: texlive-lang-chinese, fonts-noto-cjk, fonts-lxgw-wenkai).
# The Fandol faces are small (about 10,000 glyphs), which keeps the embedded subsets
# small and the subsetting fast; the Noto collections (65,000 glyphs) serve only as
# the last fallback because WeasyPrint's subsets keep glyph ids and so grow with them.
FREE_FACES: dict[str, Face] = {
    "fang": Face("body", FANDOL_DIR / "FandolFang-Regular.otf", 0, "FandolFang", 400, True),
    "song-bold": Face(
        "song-bold", FANDOL_DIR / "FandolSong-Bold.otf", 0, "FandolSong Bold", 400, True, bold=True
    ),
    "kai": Face("kai", WENKAI_DIR / "LXGWWenKai-Regular.ttf", 0, "LXGW WenKai", 400, False),
    "kai-bold": Face("kai-bold", WENKAI_DIR / "LXGWWenKai-Bold.ttf", 0, "LXGW WenKai", 700, False, bold=True),
    "serif": Face("serif", NOTO_DIR / "NotoSerifCJK-Regular.ttc", 2, "Noto Serif CJK SC", 400, False),
    "serif-bold": Face(
        "serif-bold", NOTO_DIR / "NotoSerifCJK-Bold.ttc", 2, "Noto Serif CJK SC", 700, False, bold=True
    ),
    "sans": Face("sans", NOTO_DIR / "NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC", 400, False),
    "sans-bold": Face(
        "sans-bold", NOTO_DIR / "NotoSansCJK-Bold.ttc", 2, "Noto Sans CJK SC", 700, False, bold=True
    ),
}

# Roles the stylesheet uses. "bold" is the face for bold runs inside 仿宋 text: 仿宋 has
# no bold weight, and WeasyPrint never synthesizes one, so a real bold face stands in.
# Fallbacks serve characters a face lacks (彧 and 祎 are not in the Fandol faces);
# 楷体 comes first for 仿宋 as the closest in style.
ROLES: dict[str, RoleSpec] = {
    "body": RoleSpec(
        (
            "仿宋_gb2312*",
            "仿宋gb2312*",
            "*fangsong_gb2312*",
            "*fangsonggb2312*",
            "fs_gb2312*",
            "*simfang*",
            "仿宋*",
        ),
        FREE_FACES["fang"],
        ("kai", "serif", "sans"),
    ),
    "title": RoleSpec(
        ("方正小标宋*", "*小标宋*", "*fzxiaobiaosong*", "fzxbs*"),
        replace(FREE_FACES["song-bold"], key="title"),
        ("kai-bold", "serif-bold", "sans-bold"),
    ),
    "bold": RoleSpec(
        ("黑体*", "方正黑体*", "*simhei*", "*fzheiti*", "fzhtjw*", "*heiti*"),
        replace(FREE_FACES["song-bold"], key="bold"),
        ("kai-bold", "serif-bold", "sans-bold"),
    ),
    "kai": RoleSpec(
        ("楷体_gb2312*", "楷体gb2312*", "*kaiti_gb2312*", "*kaitigb2312*", "*simkai*", "楷体*"),
        FREE_FACES["kai"],
        ("serif", "sans"),
    ),
}

LICENSED_FAMILY = {
    "body": "BT Licensed Fang",
    "title": "BT Licensed Title",
    "bold": "BT Licensed Hei",
    "kai": "BT Licensed Kai",
}


@dataclass
class FontSet:
    """The faces one render uses, with their metrics."""

    roles: dict[str, Face]
    fallbacks: dict[str, tuple[Face, ...]]
    faces: dict[str, Face] = field(default_factory=dict)  # every face by key
    _metrics: dict[str, dict[int, int]] = field(default_factory=dict, repr=False)
    _unsafe: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)
    _lookup: dict[tuple[str, str], tuple[Face, float]] = field(default_factory=dict, repr=False)

    def metrics(self, face: Face) -> dict[int, int]:
        metrics = self._metrics.get(face.key)
        if metrics is None:
            metrics = self._metrics[face.key] = face_metrics(face)
        return metrics

    def unsafe(self, face: Face) -> frozenset[int]:
        """Code points the face has but must not set (glyphs.py: wrong drawing, shared glyph;
        and Chinese quotation marks narrower than 0.9 em — a face that shares them with
        Latin text draws “” a third of an em wide, where GB/T 15834 sets them a full em)."""
        unsafe = self._unsafe.get(face.key)
        if unsafe is None:
            metrics = self.metrics(face)
            narrow = {
                code for code in _CHINESE_QUOTES if code in metrics and metrics[code] < 0.9 * metrics[-2]
            }
            unsafe = self._unsafe[face.key] = face_unsafe(face) | narrow
        return unsafe

    def has_safely(self, face: Face, char: str) -> bool:
        code = ord(char)
        return code in self.metrics(face) and code not in self.unsafe(face)

    def _resolve(self, role: str, char: str) -> tuple[Face, float]:
        # (face, advance in em) for a character in a role, memoised: a render asks
        # for the same few thousand characters many times.
        key = (role, char)
        found = self._lookup.get(key)
        if found is None:
            code = ord(char)
            face = self.roles[role]
            if char not in " \n" and not self.has_safely(face, char):
                chain = self.fallbacks[role]
                # The first face that draws it right; failing that, the first that has it.
                face = next((f for f in chain if self.has_safely(f, char)), None) or next(
                    (f for f in (face, *chain) if code in self.metrics(f)), face
                )
            metrics = self.metrics(face)
            units = metrics.get(code, metrics[-1])  # .notdef width if nothing has it
            found = self._lookup[key] = (face, units / metrics[-2])
        return found

    def face_for(self, role: str, char: str) -> Face:
        """The first face of the role's chain that has a glyph for ``char``."""
        return self._resolve(role, char)[0]

    def advance(self, face: Face, char: str, size: float) -> float:
        """Advance width in pt of ``char`` set in ``face`` at ``size`` pt."""
        metrics = self.metrics(face)
        return metrics.get(ord(char), metrics[-1]) * size / metrics[-2]

    def glyph(self, role: str, char: str, size: float) -> tuple[Face, float]:
        """The face a character of a role is set in, and its advance in pt."""
        face, em = self._resolve(role, char)
        return face, em * size

    def font_face_css(self, font_url: Callable[[Face], str] | None = None) -> str:
        """@font-face rules and the .f-<key> classes.

        For print (``font_url`` None) the faces fontconfig does not know are loaded from
        file:// URLs, the others by family name. For the screen preview every face is
        loaded from ``font_url(face)`` (a URL the app serves), so the browser shows the
        print faces whatever it has installed; each face is its own family there.
        """
        rules = []
        seen = set()
        for face in self.faces.values():
            if font_url is not None:
                rules.append(
                    f'@font-face {{ font-family: "{screen_family(face)}"; font-weight: {face.css_weight}; '
                    f'src: url("{font_url(face)}"); }}'
                )
                continue
            if not face.via_font_face or (face.css_family, face.css_weight) in seen:
                continue
            seen.add((face.css_family, face.css_weight))
            rules.append(
                f'@font-face {{ font-family: "{face.css_family}"; font-weight: {face.css_weight}; '
                f'src: url("{face.path.as_uri()}"); }}'
            )
        for face in self.faces.values():
            family = screen_family(face) if font_url is not None else face.css_family
            rules.append(f'.{face.css_class} {{ font-family: "{family}"; font-weight: {face.css_weight}; }}')
        return "\n".join(rules)

    def face_by_key(self, key: str) -> Face | None:
        return self.faces.get(key)


def screen_family(face: Face) -> str:
    """The family name a face has in the screen preview (one family per face)."""
    return f"BT Print {face.key}"


def find_licensed(font_dir: str | os.PathLike | None) -> dict[str, Path]:
    """Map role → licensed font file found in ``font_dir`` (first match by name)."""
    found: dict[str, Path] = {}
    if not font_dir:
        return found
    folder = Path(font_dir)
    if not folder.is_dir():
        return found
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FONT_SUFFIXES)
    for role, spec in ROLES.items():
        for pattern in spec.patterns:
            match = next((p for p in files if fnmatch.fnmatch(p.stem.lower(), pattern.lower())), None)
            if match is not None:
                found[role] = match
                break
    return found


def configured_font_dir() -> str:
    try:
        from django.conf import settings

        if settings.configured:
            return getattr(settings, "BULLETIN_FONT_DIR", "") or ""
    except ImportError:  # pragma: no cover - Django is always installed here
        pass
    return os.environ.get("BULLETIN_FONT_DIR", "")


@lru_cache(maxsize=8)
def _font_set(font_dir: str, folder_mtime: float) -> FontSet:
    licensed = find_licensed(font_dir)
    roles: dict[str, Face] = {}
    for role, spec in ROLES.items():
        if role in licensed:
            roles[role] = Face(
                role,
                licensed[role],
                0,
                LICENSED_FAMILY[role],
                400,
                True,
                bold=role in ("bold", "title"),
                licensed=True,
            )
        else:
            roles[role] = spec.free
    fallbacks = {role: tuple(FREE_FACES[key] for key in spec.fallbacks) for role, spec in ROLES.items()}
    faces: dict[str, Face] = {}
    for face in [*roles.values(), *(f for chain in fallbacks.values() for f in chain)]:
        faces.setdefault(face.key, face)
    return FontSet(roles=roles, fallbacks=fallbacks, faces=faces)


def font_set(font_dir: str | None = None) -> FontSet:
    """The fonts for a render; ``font_dir`` defaults to settings.BULLETIN_FONT_DIR."""
    folder = configured_font_dir() if font_dir is None else str(font_dir)
    try:
        # A file dropped into the folder changes its mtime: the next render sees it.
        mtime = os.stat(folder).st_mtime if folder else 0.0
    except OSError:
        mtime = 0.0
    return _font_set(folder, mtime)


def cache_dir() -> Path:
    """Where metrics, glyph tables and line-break results are cached ($BULLETIN_CACHE_DIR)."""
    base = os.environ.get("BULLETIN_CACHE_DIR") or os.path.join(
        tempfile.gettempdir(), f"bulletin-font-metrics-{os.getuid()}"
    )
    return Path(base)


@lru_cache(maxsize=32)
def _metrics_for(path: str, index: int, mtime: float, size: int) -> dict[int, int]:
    # Parsing a Noto CJK collection's cmap takes ~0.3 s; a marshal cache keyed by the
    # file's identity makes a cold process pay that once per machine, not per render.
    digest = hashlib.sha1(f"{path}|{index}|{mtime}|{size}".encode()).hexdigest()[:20]
    cache_file = cache_dir() / f"{digest}.marshal"
    try:
        return marshal.loads(cache_file.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    font = TTFont(path, fontNumber=index, lazy=True)
    hmtx = font["hmtx"].metrics
    metrics = {code: hmtx[glyph][0] for code, glyph in font.getBestCmap().items()}
    metrics[-1] = hmtx[".notdef"][0] if ".notdef" in hmtx else font["head"].unitsPerEm
    metrics[-2] = font["head"].unitsPerEm
    font.close()
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(metrics))
        tmp.replace(cache_file)
    except OSError:
        pass  # a read-only disk only costs speed
    return metrics


@lru_cache(maxsize=32)
def _unsafe_for(path: str, index: int, mtime: float, size: int) -> frozenset[int]:
    # Rendering the signs takes 0.05–0.25 s a face: cached on disk like the metrics.
    digest = hashlib.sha1(f"unsafe-v1|{path}|{index}|{mtime}|{size}".encode()).hexdigest()[:20]
    cache_file = cache_dir() / f"{digest}.marshal"
    try:
        return frozenset(marshal.loads(cache_file.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError):
        pass

    unsafe = frozenset(unsafe_code_points(path, index))
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(unsafe))
        tmp.replace(cache_file)
    except OSError:
        pass
    return unsafe


_CHINESE_QUOTES = frozenset(map(ord, "“”‘’"))


def face_unsafe(face: Face) -> frozenset[int]:
    """The face's unsafe code points (see glyphs.py), checked once per font file."""
    stat = face.path.stat()
    return _unsafe_for(str(face.path), face.index, stat.st_mtime, stat.st_size)


def face_metrics(face: Face) -> dict[int, int]:
    """{codepoint: advance in font units}; key -2 is unitsPerEm, -1 the .notdef advance."""
    stat = face.path.stat()
    return _metrics_for(str(face.path), face.index, stat.st_mtime, stat.st_size)
