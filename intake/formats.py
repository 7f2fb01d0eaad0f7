"""What kind of file was uploaded (by its content, never its name), and turning the
kinds Word can open but we cannot read (.doc, .wps, .rtf, .odt) into .docx.

``sniff(data) -> FileFormat``
    Recognises: a zip holding WordprocessingML (``docx``; ``docm`` when it carries a
    macro project), an ODF text document (``odt``: a zip whose first entry ``mimetype``
    says so), an OLE2 compound file (``doc`` — Word 97–2003 and Kingsoft WPS .wps are
    both OLE2; an encrypted Office file is OLE2 too and is named as such), RTF
    (``{\\rtf``), and, to name them in the refusal, PDF, images, HTML and plain text.

``convert_to_docx(data, fmt) -> bytes``
    LibreOffice in headless mode (Debian ``libreoffice-writer-nogui``) with no network:
    it runs in a network namespace of its own holding only a loopback interface that is
    down (``unshare --user --map-root-user --net``, unprivileged; ``SANDBOX_COMMAND``),
    so a linked image, a linked OLE object or an ``INCLUDEPICTURE "http://…"`` field in
    the file cannot make the server fetch an address. Whether the namespace can be made
    is probed once per process (``sandbox_available()``); when it cannot, the conversion
    is refused (``ConversionError``: save as .docx) and the operator is told in the log,
    unless the operator set ``BULLETIN_CONVERT_SANDBOX=off`` (then LibreOffice runs with
    the network, a warning logged for each conversion). A private, temporary profile for
    each conversion: macros disabled (security level "very high", macro execution off),
    links and fields never updated on load, remote resources of untrusted documents
    blocked ("stealth mode"). An argv list (never a shell string), its
    own process group killed on the wall-clock limit, and resource limits set in the
    child before it starts: ``CONVERT_CPU_SECONDS`` of CPU time and
    ``CONVERT_MEMORY_BYTES`` of address space, and background priority (``CONVERT_NICE``,
    for its session's autogroup too). LibreOffice 7.4 needs about 550 MB of
    address space to start (measured: 450 MB fails, 600 MB converts); its resident
    size stays near 210 MB. One conversion runs at a time on the machine (a file lock
    all worker processes share; a request waits ``CONVERT_QUEUE_SECONDS`` for its turn,
    then is told to try again). A pure function of the bytes, usable from a background
    task. Raises ``ConversionError`` with a Chinese message naming the format.

``strip_macros(data) -> bytes``
    A .docm package without its macro project (``vbaProject.bin``, ``vbaData.xml`` and
    their relationships), with the main part's content type made a plain document's:
    macros are never run (we only read XML) and never kept.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import io
import logging
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
CONVERT_TIMEOUT_SECONDS = 20
# Conversions run one at a time on a machine (two cores; each takes about one core for a
# second or more); a request waits this long for its turn, then is told to try again.
CONVERT_QUEUE_SECONDS = 30
CONVERT_CPU_SECONDS = 10
CONVERT_NICE = 10  # LibreOffice runs at background priority (0 normal, 19 lowest)
MAX_RTF_DEPTH = 200  # groups nested deeper are refused before LibreOffice sees them
CONVERT_MEMORY_BYTES = 1024 * 1024 * 1024
MAX_CONVERTED_BYTES = 50 * 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileFormat:
    kind: str  # docx docm doc rtf odt | ole2 pdf image html text zip broken encrypted unknown
    label: str  # how the contributor knows it, for messages

    @property
    def readable(self) -> bool:
        return self.kind in ("docx", "docm")

    @property
    def convertible(self) -> bool:
        return self.kind in ("doc", "rtf", "odt")


class ConversionError(Exception):
    """The file could not be converted; the message (Chinese) names the format."""


def sniff(data: bytes) -> FileFormat:
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if head == OLE2_MAGIC:
        if (
            "EncryptedPackage".encode("utf-16-le") in data[:65536]
            or "EncryptedPackage".encode("utf-16-le") in data[-65536:]
        ):
            return FileFormat("encrypted", "设有打开密码的 Office 文件")
        if "WordDocument".encode("utf-16-le") in data:
            return FileFormat("doc", "Word 97-2003 / WPS 文字文件（.doc/.wps）")
        # Excel, PowerPoint, Works or damaged: LibreOffice would guess, so we do not ask it.
        return FileFormat("ole2", "旧版 Office 文件（不是文字文档，可能是 Excel、PowerPoint，或已损坏）")
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{\\rtf"):
        return FileFormat("rtf", "RTF 文件（.rtf）")
    if stripped.startswith(b"%PDF"):
        return FileFormat("pdf", "PDF 文件")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")) or head[:4] in (b"II*\x00", b"MM\x00*"):
        return FileFormat("image", "图片文件")
    lowered = stripped[:512].lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"mime-version")) or b"<html" in lowered:
        return FileFormat("html", "网页文件（HTML/MHT，常见于“另存为网页”的 .doc）")
    try:
        data[:4096].decode("utf-8")
        return FileFormat("text", "纯文本文件")
    except UnicodeDecodeError:
        return FileFormat("unknown", "无法识别的文件")


def _sniff_zip(data: bytes) -> FileFormat:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return FileFormat("broken", "已损坏的 Word 文件")
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            mimetype = ""
        if mimetype == "application/vnd.oasis.opendocument.text":
            return FileFormat("odt", "OpenDocument 文字文件（.odt）")
        if mimetype.startswith("application/vnd.oasis.opendocument"):
            return FileFormat("unknown", "OpenDocument 表格或演示文件")
    if "word/document.xml" in names or _main_part_is_word(archive, names):
        if "word/vbaProject.bin" in names or any(n.endswith("vbaProject.bin") for n in names):
            return FileFormat("docm", "启用宏的 Word 文件（.docm）")
        return FileFormat("docx", "Word 文件（.docx）")
    if "xl/workbook.xml" in names:
        return FileFormat("unknown", "Excel 表格（.xlsx）")
    if "ppt/presentation.xml" in names:
        return FileFormat("unknown", "PowerPoint 演示文稿（.pptx）")
    return FileFormat("zip", "压缩文件（.zip）")


def _main_part_is_word(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """A package whose main part (by _rels/.rels) is not word/document.xml (Strict, renamed)."""
    if "_rels/.rels" not in names or archive.getinfo("_rels/.rels").file_size > 65536:
        return False
    rels = archive.read("_rels/.rels").decode("utf-8", "replace")
    match = re.search(r'Type="[^"]*/officeDocument"[^>]*Target="/?([^"]+)"', rels) or re.search(
        r'Target="/?([^"]+)"[^>]*Type="[^"]*/officeDocument"', rels
    )
    return bool(match and match.group(1) in names and match.group(1).startswith("word/"))


def refusal(fmt: FileFormat) -> str:
    """The Chinese message for a format that is neither read nor converted."""
    if fmt.kind == "broken":
        return "文件已损坏，无法读取。请在 Word / WPS 中打开并重新保存后再导入。"
    if fmt.kind == "encrypted":
        return (
            "这个文件设有打开密码，无法读取。请在 Word / WPS 中取消密码（文件 → 信息 → 保护文档）后再导入。"
        )
    if fmt.kind == "pdf":
        return "这是 PDF 文件，无法导入为稿件。请上传 Word / WPS 文件，或把文字复制粘贴到正文编辑框。"
    if fmt.kind == "html":
        return f"这是{fmt.label}，无法导入。请在 Word / WPS 中打开后“另存为” .docx，或直接复制粘贴文字。"
    if fmt.kind == "text":
        return "这是纯文本文件，不是 Word 文档。请直接把文字复制粘贴到正文编辑框。"
    return (
        f"无法导入：这是{fmt.label}，不是 Word / WPS 文档。"
        "可导入的格式：.docx、.docm、.doc、.wps、.rtf、.odt。"
    )


# --- LibreOffice ------------------------------------------------------------------------

# The private profile's settings. Each name is in the schema LibreOffice 7.4 installs
# (share/registry/main.xcd): macros off; Writer's link updates "never" (0, sw's
# UpdateLinks enum: NEVER, MANUAL, AUTOMATIC, GLOBALSETTING) and field updates off;
# BlockUntrustedRefererLinks ("stealth mode") keeps an untrusted document from loading
# remote resources (measured: it stops an .odt's linked image and OLE object, not a
# .doc's INCLUDEPICTURE field). The network namespace is what holds for every format.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">\
<prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">\
<prop oor:name="Field" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">\
<prop oor:name="Chart" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""
# Runs its argument in a new user namespace (the caller mapped to root there, no
# privilege outside) with a new network namespace: only a loopback interface, down.
SANDBOX_COMMAND: tuple[str, ...] = ("unshare", "--user", "--map-root-user", "--net", "--")
SANDBOX_MODES = ("unshare", "off")
_SUFFIX = {"doc": ".doc", "rtf": ".rtf", "odt": ".odt"}
# The import filter is named, so LibreOffice never falls back to reading bytes as plain text.
_FILTER = {"doc": "MS Word 97", "rtf": "Rich Text Format", "odt": "writer8"}


def soffice_path() -> str | None:
    return os.environ.get("BULLETIN_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def sandbox_mode() -> str:
    """``BULLETIN_CONVERT_SANDBOX`` (setting, else environment): "unshare" (the default:
    no network, refuse when it cannot be made) or "off" (the operator's choice to run
    LibreOffice with the network)."""
    from_settings = getattr(settings, "BULLETIN_CONVERT_SANDBOX", None) if settings.configured else None
    mode = (from_settings or os.environ.get("BULLETIN_CONVERT_SANDBOX") or "unshare").strip().lower()
    return mode if mode in SANDBOX_MODES else "unshare"


def sandbox_available(command: tuple[str, ...] | None = None) -> bool:
    """Whether ``command`` (``SANDBOX_COMMAND``) can run a program without network here.
    Probed once per process and command (``true`` run inside it)."""
    return _probe(tuple(SANDBOX_COMMAND if command is None else command))


@functools.cache
def _probe(command: tuple[str, ...]) -> bool:
    if not command or shutil.which(command[0]) is None:
        logger.error("LibreOffice 沙箱不可用：找不到 %s，文件转换将被拒绝。", command[:1])
        return False
    try:
        done = subprocess.run(  # noqa: S603 - an argv list, no shell
            [*command, "true"], stdin=subprocess.DEVNULL, capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        logger.error("LibreOffice 沙箱不可用（%s）：%r，文件转换将被拒绝。", " ".join(command), error)
        return False
    if done.returncode != 0:
        logger.error(
            "LibreOffice 沙箱不可用（%s 返回 %s：%s），文件转换将被拒绝。"
            "请允许非特权用户命名空间（sysctl kernel.unprivileged_userns_clone=1），"
            "或设 BULLETIN_CONVERT_SANDBOX=off 接受无隔离转换的风险。",
            " ".join(command),
            done.returncode,
            done.stderr.decode("utf-8", "replace").strip()[:200],
        )
        return False
    return True


def _sandbox_prefix(fmt: FileFormat) -> list[str]:
    """The argv prefix that runs LibreOffice without network; raises ConversionError when
    isolation is required and cannot be had."""
    if sandbox_mode() == "off":
        logger.warning("LibreOffice 在无网络隔离的情况下转换文件（BULLETIN_CONVERT_SANDBOX=off）。")
        return []
    if not sandbox_available():
        logger.warning("拒绝转换%s：LibreOffice 无法在无网络的沙箱中运行。", fmt.label)
        raise ConversionError(
            f"服务器暂时无法安全地转换{fmt.label}（转换程序无法与网络隔离），已拒绝导入。"
            "请在 Word / WPS 中“另存为” .docx 后再导入（.docx 无需转换）。"
        )
    return list(SANDBOX_COMMAND)


def _limit_child() -> None:  # runs in the child between fork and exec
    resource.setrlimit(resource.RLIMIT_CPU, (CONVERT_CPU_SECONDS, CONVERT_CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (CONVERT_MEMORY_BYTES, CONVERT_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Background priority, so a conversion yields the cores to the web processes. The child
    # is already the leader of a session of its own (start_new_session runs first), and
    # where the kernel shares CPU between sessions first (autogroup, Debian's default) only
    # the session's nice value reaches it.
    os.nice(CONVERT_NICE)
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(CONVERT_NICE))


def convert_to_docx(data: bytes, fmt: FileFormat, *, timeout: float = CONVERT_TIMEOUT_SECONDS) -> bytes:
    """The .docx LibreOffice makes of a .doc/.wps/.rtf/.odt file's bytes."""
    if fmt.kind == "rtf" and rtf_depth(data) > MAX_RTF_DEPTH:
        raise ConversionError(
            f"{fmt.label}结构嵌套过深（超过 {MAX_RTF_DEPTH} 层），疑似异常文件，已拒绝导入。"
        )
    soffice = soffice_path()
    if soffice is None:
        raise ConversionError(
            f"服务器没有安装 LibreOffice，暂时无法读取{fmt.label}。"
            "请在 Word / WPS 中“另存为” .docx 后再导入（管理员：运行 make setup 安装）。"
        )
    prefix = _sandbox_prefix(fmt)
    with _conversion_slot(fmt):
        return _convert(soffice, data, fmt, timeout, prefix)


@contextlib.contextmanager
def _conversion_slot(fmt: FileFormat, wait: float | None = None):
    """One LibreOffice conversion at a time on this machine (an flock on a file in the
    system temp folder, so every worker process shares it)."""
    wait = CONVERT_QUEUE_SECONDS if wait is None else wait
    path = Path(tempfile.gettempdir()) / "bulletin-libreoffice.lock"
    with open(path, "a+b") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ConversionError(
                        f"服务器正忙于转换其他文件，暂时无法读取{fmt.label}。请稍后再试，"
                        "或在 Word / WPS 中“另存为” .docx 后导入（无需转换）。"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _convert(soffice: str, data: bytes, fmt: FileFormat, timeout: float, prefix: list[str]) -> bytes:
    work = Path(tempfile.mkdtemp(prefix="bulletin-convert-"))
    try:
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
        source = work / f"source{_SUFFIX.get(fmt.kind, '.bin')}"
        source.write_bytes(data)
        out = work / "out"
        argv = [
            *prefix,
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"--infilter={_FILTER[fmt.kind]}",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(work),
            "TMPDIR": str(work),
            "LANG": "C.UTF-8",
            "SAL_USE_VCLPLUGIN": "svp",
        }
        process = subprocess.Popen(  # noqa: S603 - an argv list, no shell
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=work,
            preexec_fn=_limit_child,  # noqa: PLW1509 - only setrlimit and nice, before exec
            start_new_session=True,
        )
        try:
            process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            _kill_group(process)
            raise ConversionError(
                f"读取{fmt.label}超时（超过 {int(timeout)} 秒），已停止。"
                "请在 Word / WPS 中“另存为” .docx 后再导入。"
            ) from error
        finally:
            _kill_group(process)
        converted = out / "source.docx"
        if process.returncode != 0 or not converted.is_file() or converted.stat().st_size == 0:
            raise ConversionError(
                f"无法读取这个{fmt.label}：文件可能已损坏、设有密码或过于复杂。"
                "请在 Word / WPS 中打开并“另存为” .docx 后再导入。"
            )
        if converted.stat().st_size > MAX_CONVERTED_BYTES:
            raise ConversionError(f"{fmt.label}转换后过大，已拒绝导入。请删去图片后再试。")
        return converted.read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)


_NOT_BRACES = bytes(i for i in range(256) if i not in (0x7B, 0x7D))


def rtf_depth(data: bytes) -> int:
    """The deepest nesting of {groups} in an RTF file (escaped braces not counted).

    Only the braces are walked in Python (an escaped backslash, then \\{ and \\}, are
    removed first); a 10 MB file takes a few milliseconds."""
    cleaned = data.replace(b"\\\\", b"").replace(b"\\{", b"").replace(b"\\}", b"")
    braces = cleaned.translate(None, _NOT_BRACES)
    depth = deepest = 0
    for byte in braces:
        depth += 1 if byte == 0x7B else -1
        if depth > deepest:
            deepest = depth
    return deepest


def _kill_group(process: subprocess.Popen) -> None:
    """End LibreOffice and anything it started (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


# --- .docm ---------------------------------------------------------------------------------

_MACRO_PART = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)_rels/vbaProject\.bin\.rels$", re.I)


def strip_macros(data: bytes) -> bytes:
    """A .docm as a .docx: the macro project and its relationships removed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if _MACRO_PART.search(info.filename):
                continue
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                text = content.decode("utf-8")
                text = text.replace(
                    "application/vnd.ms-word.document.macroEnabled.main+xml",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                )
                text = re.sub(r"<(Override|Default)[^>]*vbaProject[^>]*/>", "", text)
                text = re.sub(r"<(Override|Default)[^>]*vbaData[^>]*/>", "", text)
                content = text.encode("utf-8")
            elif info.filename.endswith(".rels"):
                text = content.decode("utf-8")
                text = re.sub(r"<Relationship[^>]*(vbaProject|vbaData|wordVbaData)[^>]*/>", "", text)
                content = text.encode("utf-8")
            target.writestr(info.filename, content)
    return out.getvalue()
