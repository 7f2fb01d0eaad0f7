"""A real OpenLDAP server (Debian's `slapd`) for the directory login tests.

Started by the tests themselves on a free port of 127.0.0.1, as the current user, with a
generated slapd.conf, the mdb backend in a temporary folder, and the directory below
(DIRECTORY_LDIF) loaded with `slapadd` before it starts; stopped and removed after. With
`tls=True` it also offers StartTLS with a certificate made for the run (its CA in
`ca_file`). Nothing is skipped: without slapd the fixture fails and says how to install it.

The tree, under dc=hzrd,dc=test:

    ou=people   uid=yangqing   杨青青  editor group
                uid=qiansu     钱苏晚  contributor group and the 西湖区 unit group,
                               departmentNumber 西湖区
                uid=zhoujie    周杰    reviewer group, no unit group, no departmentNumber
                uid=wangfang   王芳    in no group
                uid=bianji     杨编辑  editor group (the name of a local account in the tests)
    ou=groups   cn=bianji (editor), cn=baosongyuan (contributor), cn=shenheren (reviewer),
                cn=xihu (unit 西湖区), cn=shangcheng (unit 上城区), all groupOfNames
"""

import datetime
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import ldap
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")

BASE = "dc=hzrd,dc=test"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PASSWORD = "slapd-root-password"
# The service account the application binds with to find people (BULLETIN_LDAP_BIND_DN).
SERVICE_DN = f"uid=bulletin-service,ou=services,{BASE}"
SERVICE_PASSWORD = "Service-Bind-2026!"

# Each person's directory password.
PASSWORDS = {
    "yangqing": "Yang-Qing-Dir-1!",
    "qiansu": "Qian-Su-Dir-2!",
    "zhoujie": "Zhou-Jie-Dir-3!",
    "wangfang": "Wang-Fang-Dir-4!",
    "bianji": "Bian-Ji-Dir-5!",
}

ROLE_GROUPS = {
    "editor": f"cn=bianji,{GROUPS}",
    "contributor": f"cn=baosongyuan,{GROUPS}",
    "reviewer": f"cn=shenheren,{GROUPS}",
}
UNIT_GROUPS = {"西湖区": f"cn=xihu,{GROUPS}", "上城区": f"cn=shangcheng,{GROUPS}"}


def _person(uid: str, cn: str, mail: str, extra: str = "") -> str:
    return (
        f"dn: uid={uid},{PEOPLE}\n"
        "objectClass: inetOrgPerson\n"
        f"uid: {uid}\ncn: {cn}\nsn: {cn[0]}\nmail: {mail}\n"
        f"userPassword: {PASSWORDS[uid]}\n{extra}\n"
    )


# Who is in each group at the start (a test that changes them is undone by reset()).
MEMBERS = {
    "bianji": ["yangqing", "bianji"],
    "baosongyuan": ["qiansu"],
    "shenheren": ["zhoujie"],
    "xihu": ["qiansu"],
    "shangcheng": [],
}
MAIL = {
    "yangqing": "yangqing@rd.hz.test",
    "qiansu": "qiansu@xihu.hz.test",
    "zhoujie": "zhoujie@rd.hz.test",
    "wangfang": "wangfang@rd.hz.test",
    "bianji": "bianji@rd.hz.test",
}


def _members(cn: str) -> list[str]:
    # groupOfNames must have a member: the service account is in every group, which gives
    # it no role (it is not a person and never signs in).
    return [SERVICE_DN, *(f"uid={uid},{PEOPLE}" for uid in MEMBERS[cn])]


def _group(cn: str) -> str:
    lines = "".join(f"member: {dn}\n" for dn in _members(cn))
    return f"dn: cn={cn},{GROUPS}\nobjectClass: groupOfNames\ncn: {cn}\n{lines}\n"


DIRECTORY_LDIF = (
    f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: hzrd\no: 杭州市人大常委会\n\n"
    f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n"
    f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n\n"
    f"dn: ou=services,{BASE}\nobjectClass: organizationalUnit\nou: services\n\n"
    f"dn: {SERVICE_DN}\nobjectClass: account\nobjectClass: simpleSecurityObject\n"
    f"uid: bulletin-service\nuserPassword: {SERVICE_PASSWORD}\n\n"
    + _person("yangqing", "杨青青", MAIL["yangqing"])
    + _person("qiansu", "钱苏晚", MAIL["qiansu"], "departmentNumber: 西湖区\n")
    + _person("zhoujie", "周杰", MAIL["zhoujie"])
    + _person("wangfang", "王芳", MAIL["wangfang"])
    + _person("bianji", "杨编辑", MAIL["bianji"])
    + "".join(_group(cn) for cn in MEMBERS)
)


def _config(folder: Path, tls: bool) -> str:
    schemas = "".join(
        f"include {SCHEMA_DIR / name}.schema\n" for name in ("core", "cosine", "inetorgperson", "nis")
    )
    tls_lines = (
        f"TLSCACertificateFile {folder / 'ca.pem'}\n"
        f"TLSCertificateFile {folder / 'server.pem'}\n"
        f"TLSCertificateKeyFile {folder / 'server.key'}\n"
        if tls
        else ""
    )
    return (
        schemas
        + f"modulepath {MODULE_DIR}\nmoduleload back_mdb\n"
        + f"pidfile {folder / 'slapd.pid'}\nargsfile {folder / 'slapd.args'}\n"
        + tls_lines
        # Passwords: a person may bind with theirs, nobody reads them; the rest is readable
        # by anyone bound (the service account), as a directory's usually is.
        + "access to attrs=userPassword by self =xw by anonymous auth by * none\n"
        + "access to * by users read by * none\n"
        + "database mdb\nmaxsize 16777216\n"
        + f'suffix "{BASE}"\nrootdn "{ROOT_DN}"\nrootpw {ROOT_PASSWORD}\n'
        + f"directory {folder / 'db'}\n"
        + "index objectClass,uid,member eq\n"
    )


def _make_certificates(folder: Path) -> None:
    """A CA and a certificate for 127.0.0.1 signed by it, valid for a day."""
    now = datetime.datetime.now(datetime.UTC)

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    def pem(key) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("slapd test CA"))
        .issuer_name(name("slapd test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(pem(key))
    os.chmod(folder / "server.key", 0o600)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Slapd:
    """One slapd process with DIRECTORY_LDIF loaded. `uri`, `ca_file` (with tls), and
    `connection()` bound as the directory's root for a test to change the tree."""

    def __init__(self, *, tls: bool = False):
        if not (os.access(SLAPD, os.X_OK) and os.access(SLAPADD, os.X_OK)):
            pytest.fail(
                f"找不到 slapd（{SLAPD}）：目录登录的测试需要 Debian 的 slapd 和 ldap-utils，"
                "请运行 `make setup-test`（scripts/setup.sh --browser）安装。",
                pytrace=False,
            )
        self.tls = tls
        self.folder = Path(tempfile.mkdtemp(prefix="bulletin-slapd-"))
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.ca_file = str(self.folder / "ca.pem") if tls else ""
        self.process: subprocess.Popen | None = None

    def start(self) -> "Slapd":
        (self.folder / "db").mkdir()
        if self.tls:
            _make_certificates(self.folder)
        conf = self.folder / "slapd.conf"
        conf.write_text(_config(self.folder, self.tls), encoding="utf-8")
        ldif = self.folder / "directory.ldif"
        ldif.write_text(DIRECTORY_LDIF, encoding="utf-8")
        subprocess.run([SLAPADD, "-q", "-f", str(conf), "-l", str(ldif)], check=True, capture_output=True)
        # -d 0: stay in the foreground (so the test owns the process), log nothing.
        self.process = subprocess.Popen(
            [SLAPD, "-f", str(conf), "-h", f"{self.uri}/", "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_answering()
        return self

    def _wait_until_answering(self, seconds: float = 10) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd 启动失败：{self.process.stderr.read().decode(errors='replace')}")
            try:
                self.connection().unbind_s()
                return
            except ldap.SERVER_DOWN:
                time.sleep(0.05)
        raise RuntimeError(f"slapd 在 {seconds} 秒内没有应答（{self.uri}）")

    def connection(self):
        """A connection bound as the directory's root (rootdn), to change the tree."""
        conn = ldap.initialize(self.uri)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 2)
        conn.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        return conn

    def add_member(self, group_dn: str, uid: str) -> None:
        conn = self.connection()
        conn.modify_s(group_dn, [(ldap.MOD_ADD, "member", [f"uid={uid},{PEOPLE}".encode()])])
        conn.unbind_s()

    def remove_member(self, group_dn: str, uid: str) -> None:
        conn = self.connection()
        conn.modify_s(group_dn, [(ldap.MOD_DELETE, "member", [f"uid={uid},{PEOPLE}".encode()])])
        conn.unbind_s()

    def set_attribute(self, uid: str, name: str, value: str) -> None:
        conn = self.connection()
        conn.modify_s(f"uid={uid},{PEOPLE}", [(ldap.MOD_REPLACE, name, [value.encode()])])
        conn.unbind_s()

    def reset(self) -> None:
        """The groups, e-mail addresses and passwords as DIRECTORY_LDIF has them."""
        conn = self.connection()
        for cn in MEMBERS:
            conn.modify_s(
                f"cn={cn},{GROUPS}", [(ldap.MOD_REPLACE, "member", [dn.encode() for dn in _members(cn)])]
            )
        for uid, mail in MAIL.items():
            conn.modify_s(
                f"uid={uid},{PEOPLE}",
                [
                    (ldap.MOD_REPLACE, "mail", [mail.encode()]),
                    (ldap.MOD_REPLACE, "userPassword", [PASSWORDS[uid].encode()]),
                ],
            )
        conn.unbind_s()

    def pause(self) -> None:
        """The directory stops answering (SIGSTOP): connections time out, as with a server
        that hangs. resume() lets it go on."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def settings(self) -> dict:
        """The BULLETIN_LDAP_* settings that point the application at this server."""
        return {
            "BULLETIN_LDAP_URI": self.uri,
            "BULLETIN_LDAP_BIND_DN": SERVICE_DN,
            "BULLETIN_LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "BULLETIN_LDAP_START_TLS": self.tls,
            "BULLETIN_LDAP_CA_FILE": self.ca_file,
            "BULLETIN_LDAP_TIMEOUT_SECONDS": 2,
            "BULLETIN_LDAP_USER_SEARCH_BASE": PEOPLE,
            "BULLETIN_LDAP_USER_FILTER": "(uid=%(user)s)",
            "BULLETIN_LDAP_NAME_ATTRIBUTE": "cn",
            "BULLETIN_LDAP_EMAIL_ATTRIBUTE": "mail",
            "BULLETIN_LDAP_GROUP_SEARCH_BASE": GROUPS,
            "BULLETIN_LDAP_GROUP_TYPE": "groupOfNames",
            "BULLETIN_LDAP_GROUP_FILTER": "",
            "BULLETIN_LDAP_ROLE_GROUPS": ";".join(f"{role}={dn}" for role, dn in ROLE_GROUPS.items()),
            "BULLETIN_LDAP_UNIT_GROUPS": ";".join(f"{unit}={dn}" for unit, dn in UNIT_GROUPS.items()),
            "BULLETIN_LDAP_UNIT_ATTRIBUTE": "",
        }


@pytest.fixture(scope="module")
def slapd_server():
    """slapd for the module's tests (each test that changes the tree puts it back)."""
    server = Slapd().start()
    yield server
    server.stop()
