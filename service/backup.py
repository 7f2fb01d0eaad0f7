"""Backup and restore: one archive holding a consistent database dump, every stored file
and a manifest (counts of rows, SHA-256 of every file), and its exact inverse.

The archive is a plain tar file:

    manifest.json        {"format": 1, "created_at", "database": {"vendor", "member",
                          "sha256", "size"}, "counts": {table: rows}, "files":
                          [{"name", "size", "sha256"}], "versions": {...}}
    database.sqlite3     SQLite: a copy made with SQLite's online backup API
    database.pgdump      PostgreSQL: `pg_dump --format=custom` of the same snapshot the
                         counts were read in (pg_export_snapshot), so they agree
    files/<name>         every file of the default storage, read through the storage API

Restore refuses a database that holds users, pieces or issues, and a storage that holds
files; it checks every member against the manifest before changing anything, and after
restoring checks the row counts and every file's SHA-256 again.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import django
from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.utils import timezone

from service import hooks
from web.storage import is_disk_full

FORMAT = 1
# Stored files under these folders are not data (the health check's probe files).
SKIPPED_FOLDERS = ("healthz/",)
# The apps whose tables are counted in the manifest and checked after a restore.
COUNTED_APPS = ("accounts", "audit", "submissions", "bulletin", "proofreading", "assessment", "service")


class BackupError(Exception):
    """Backup or restore cannot go on; the message (Chinese) says why."""


# --- helpers ---------------------------------------------------------------------------


def counted_tables() -> list[str]:
    tables = []
    for label in COUNTED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.append(model._meta.db_table)
    return sorted(set(tables))


def stored_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in a storage, through the storage API only (file system or S3)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        path = f"{folder}{name}"
        if not path.startswith(SKIPPED_FOLDERS):
            yield path
    for sub in sorted(folders):
        yield from stored_files(storage, f"{folder}{sub}/")


def sha256_of(handle) -> str:
    """The SHA-256 (hex) of what an open binary file holds from its position on."""
    return _sha256_file(handle)[0]


def _sha256_file(handle, chunk: int = 1 << 20) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while block := handle.read(chunk):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


# --- backup ----------------------------------------------------------------------------


def _dump_sqlite(alias: str, target: Path) -> dict[str, int]:
    """Copy the live database page by page (SQLite's online backup: consistent even
    while others write), then count the rows in the copy itself."""
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        cursor = destination.cursor()
        return {
            table: cursor.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in counted_tables()
        }
    finally:
        destination.close()


def _dump_postgresql(alias: str, target: Path) -> dict[str, int]:
    """pg_dump of the very snapshot the counts are read in (pg_export_snapshot)."""
    db = connections[alias].settings_dict
    if shutil.which("pg_dump") is None:
        raise BackupError("找不到 pg_dump：请安装 postgresql-client（scripts/setup.sh 会安装）。")
    import psycopg

    conninfo = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}) as snapshot_connection:
        with snapshot_connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = {}
            for table in counted_tables():
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
            result = subprocess.run(
                [
                    "pg_dump",
                    *_pg_args(db),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    db["NAME"],
                ],
                env=_pg_env(db),
                capture_output=True,
                text=True,
            )
            cursor.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
    return counts


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


class _HashingReader:
    """A file wrapper that hashes what tarfile reads through it."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        block = self.handle.read(size)
        self.digest.update(block)
        return block


def backup(destination: str | os.PathLike, *, alias: str = "default", storage: Storage | None = None) -> Path:
    """Write one backup archive into the folder `destination` (or to that file name when it
    ends in .tar). Returns the archive's path. The archive is written under a temporary
    name and renamed at the end, so a half-written backup never looks like a whole one."""
    storage = storage or default_storage
    destination = Path(destination)
    if destination.suffix == ".tar":
        target = destination
    else:
        destination.mkdir(parents=True, exist_ok=True)
        target = destination / f"bulletin-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
    target.parent.mkdir(parents=True, exist_ok=True)
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"不支持的数据库：{vendor}")
    member = "database.sqlite3" if vendor == "sqlite" else "database.pgdump"
    partial = target.with_name(target.name + ".partial")
    try:
        _write_archive(partial, alias=alias, vendor=vendor, member=member, storage=storage)
    except BaseException as error:
        # Never a half-written archive beside the whole ones (a full disk, an interrupt).
        partial.unlink(missing_ok=True)
        if is_disk_full(error):
            raise BackupError(f"备份目录所在磁盘空间不足，未生成备份（{target.parent}）。") from error
        raise
    os.replace(partial, target)
    return target


def _write_archive(partial: Path, *, alias: str, vendor: str, member: str, storage: Storage) -> None:
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / member
        counts = _dump_sqlite(alias, dump) if vendor == "sqlite" else _dump_postgresql(alias, dump)
        with open(dump, "rb") as handle:
            dump_sha, dump_size = _sha256_file(handle)
        files = []
        # The archive holds password hashes and every document: readable by its owner only.
        partial.touch(mode=0o600)
        partial.chmod(0o600)
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=member)
            for name in stored_files(storage):
                info = tarfile.TarInfo(f"files/{name}")
                info.size = storage.size(name)
                info.mode = 0o600
                with storage.open(name, "rb") as handle:
                    reader = _HashingReader(handle)
                    tar.addfile(info, reader)
                files.append({"name": name, "size": info.size, "sha256": reader.digest.hexdigest()})
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "database": {"vendor": vendor, "member": member, "sha256": dump_sha, "size": dump_size},
                "counts": counts,
                "files": files,
                "versions": {"django": django.get_version(), "migrations": _latest_migrations(alias)},
            }
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            tar.fileobj.flush()
            os.fsync(tar.fileobj.fileno())


def _latest_migrations(alias: str) -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in (
        MigrationRecorder(connections[alias]).migration_qs.order_by("id").values_list("app", "name")
    ):
        latest[app] = name
    return latest


def prune_backups(folder: str | os.PathLike, keep_days: int) -> list[Path]:
    """Delete this folder's backup archives older than `keep_days` days; the newest is always kept."""
    archives = sorted(Path(folder).glob("bulletin-backup-*.tar"), key=lambda p: p.stat().st_mtime)
    limit = timezone.now().timestamp() - keep_days * 86400
    removed = [p for p in archives[:-1] if p.stat().st_mtime < limit]
    for path in removed:
        path.unlink()
    return removed


# --- restore ---------------------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    except (KeyError, AttributeError, ValueError) as error:
        raise BackupError("这不是本系统的备份文件（没有 manifest.json）。") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持。")
    return manifest


def verify_archive(path: str | os.PathLike) -> dict:
    """Check every member of an archive against its manifest; returns the manifest."""
    with tarfile.open(path, "r") as tar:
        manifest = read_manifest(tar)
        expected = {f"files/{f['name']}": f["sha256"] for f in manifest["files"]}
        expected[manifest["database"]["member"]] = manifest["database"]["sha256"]
        for name, sha in expected.items():
            handle = tar.extractfile(name) if name in tar.getnames() else None
            if handle is None:
                raise BackupError(f"备份文件不完整：缺少 {name}。")
            if _sha256_file(handle)[0] != sha:
                raise BackupError(f"备份文件已损坏：{name} 的 SHA-256 与清单不符。")
    return manifest


def database_is_empty(alias: str = "default") -> bool:
    """No users, pieces or issues: a new database, migrated or not."""
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in ("accounts.User", "submissions.Submission", "bulletin.Issue"):
            table = apps.get_model(model)._meta.db_table
            if table in existing:
                cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')
                if cursor.fetchone():
                    return False
    return True


def _restore_sqlite(alias: str, dump: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(alias: str, dump: Path) -> None:
    db = connections[alias].settings_dict
    if shutil.which("pg_restore") is None:
        raise BackupError("找不到 pg_restore：请安装 postgresql-client。")
    connections[alias].close()
    result = subprocess.run(
        [
            "pg_restore",
            *_pg_args(db),
            "--dbname",
            db["NAME"],
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
        ],
        env=_pg_env(db),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")


def current_counts(alias: str = "default", tables: list[str] | None = None) -> dict[str, int]:
    """{table: rows} for `tables` (default: every counted table); a missing table is None."""
    existing = set(connections[alias].introspection.table_names())
    with connections[alias].cursor() as cursor:
        counts = {}
        for table in counted_tables() if tables is None else tables:
            if table not in existing:
                counts[table] = None
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def restore(path: str | os.PathLike, *, alias: str = "default", storage: Storage | None = None) -> dict:
    """Restore an archive into an empty database and an empty storage, then verify.

    Returns {"counts": {...}, "files": n}. Raises BackupError (nothing changed) when the
    archive does not match its manifest, is of another database, or the target is not
    empty; when loading the database fails, the files already written are removed again.
    """
    storage = storage or default_storage
    manifest = verify_archive(path)
    vendor = connections[alias].vendor
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"备份来自 {manifest['database']['vendor']} 数据库，当前配置的是 {vendor}；请配置同类数据库后再恢复。"
        )
    if not database_is_empty(alias):
        raise BackupError("目标数据库里已有用户、稿件或期刊；恢复只写入空数据库，请换一个新建的数据库。")
    if next(stored_files(storage), None) is not None:
        raise BackupError("目标存储里已有文件；恢复只写入空的存储位置。")
    with tempfile.TemporaryDirectory() as folder, tarfile.open(path, "r") as tar:
        dump = Path(folder) / manifest["database"]["member"]
        with tar.extractfile(manifest["database"]["member"]) as source, open(dump, "wb") as out:
            shutil.copyfileobj(source, out)
        written: list[str] = []
        try:
            for entry in manifest["files"]:
                with tar.extractfile(f"files/{entry['name']}") as source:
                    saved = storage.save(entry["name"], File(source, name=entry["name"]))
                written.append(saved)
                if saved != entry["name"]:
                    raise BackupError(f"存储把 {entry['name']} 存成了 {saved}；恢复中止。")
            if vendor == "sqlite":
                _restore_sqlite(alias, dump)
            else:
                _restore_postgresql(alias, dump)
        except BaseException:
            # The database load failed (pg_restore runs in one transaction): take the files
            # back out, so the storage is empty again and the restore can simply be retried.
            for name in written:
                storage.delete(name)
            raise
    # The tables the manifest counted: an archive made before an app's tables were counted
    # is checked on what it promised, and the new tables are counted in the next backup.
    counts = current_counts(alias, tables=list(manifest["counts"]))
    if counts != manifest["counts"]:
        differing = {
            t: (manifest["counts"].get(t), counts.get(t))
            for t in manifest["counts"]
            if counts.get(t) != manifest["counts"].get(t)
        }
        raise BackupError(f"恢复后的行数与清单不符：{differing}")
    for entry in manifest["files"]:
        with storage.open(entry["name"], "rb") as handle:
            if _sha256_file(handle)[0] != entry["sha256"]:
                raise BackupError(f"恢复后的文件 {entry['name']} 的 SHA-256 与清单不符。")
    for check in hooks.restore_checks:
        check(alias)
    return {"counts": counts, "files": len(manifest["files"])}


def describe(manifest: dict) -> str:
    rows = sum(manifest["counts"].values())
    size = sum(f["size"] for f in manifest["files"])
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    return (
        f"{timezone.localtime(created):%Y-%m-%d %H:%M} · {manifest['database']['vendor']} · "
        f"{rows} 行 · {len(manifest['files'])} 个文件（{size / 1024 / 1024:.1f} MB）"
    )
