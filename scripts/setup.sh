#!/usr/bin/env bash
# Installs what the project needs on Debian 12 and prepares the app.
#   scripts/setup.sh            system packages, .venv, requirements, migrations
#   scripts/setup.sh --browser  the same, plus Chromium for the browser tests
# Every step skips what is already in place, so a second run takes seconds.
set -euo pipefail

cd "$(dirname "$0")/.."

want_browser=0
[ "${1:-}" = "--browser" ] && want_browser=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- Debian packages --------------------------------------------------------
packages=(
  # WeasyPrint: Pango, and HarfBuzz subsetting (15-30x faster font subsetting).
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
  # Fonts for the print (DESIGN §5): Noto CJK, LXGW WenKai (楷体), FandolFang (仿宋).
  fonts-noto-cjk fonts-noto-cjk-extra fonts-lxgw-wenkai texlive-lang-chinese
  # pdftotext, pdffonts, pdftoppm for checking PDFs.
  poppler-utils
  # .doc, .wps, .rtf and .odt imports: converted to .docx by LibreOffice in headless mode.
  libreoffice-writer-nogui
  # pg_dump and psql for `manage.py backup` and `restore` on PostgreSQL.
  postgresql-client
  make
  # Directory login (LDAP/AD): python-ldap has no wheel for Linux and builds against
  # OpenLDAP's and Cyrus SASL's headers; the running app needs only libldap-2.5-0, which
  # libldap2-dev brings.
  libldap2-dev libsasl2-dev gcc
)
# The test suite: Chromium for the browser tests, nginx to check the shipped site file (nginx -t).
[ "$want_browser" = 1 ] && packages+=(chromium nginx-light)
# The directory login tests start their own OpenLDAP server (tests/servers/slapd.py): slapd
# (with slapadd, which loads its tree), and ldap-utils (ldapsearch) to look at one by hand.
# Debian's postinst may start a system slapd; the tests never use it (theirs is on a free port).
[ "$want_browser" = 1 ] && packages+=(slapd ldap-utils)

PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  packages+=(python3)
elif ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  say "安装系统软件包：${missing[*]}"
  apt_line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    sudo_cmd=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "需要安装系统软件包，但当前用户不是 root，且没有 sudo。请由管理员运行：" >&2
    echo "  apt-get update && $apt_line" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  # shellcheck disable=SC2086
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  say "系统软件包已齐全"
fi

# --- Python virtual environment ---------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "创建虚拟环境 .venv/"
  "$PYTHON" -m venv .venv
fi

# Reinstall only when requirements.txt changed since the last successful install.
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "安装 Python 依赖（requirements.txt）"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
  echo "$want" > "$stamp"
else
  say "Python 依赖已是最新"
fi

# --- Database ---------------------------------------------------------------
say "数据库迁移"
# Development defaults unless the environment says otherwise (production exports DJANGO_DEBUG=0
# and its DJANGO_SECRET_KEY before `make setup`).
DJANGO_DEBUG=${DJANGO_DEBUG:-1} .venv/bin/python manage.py migrate --noinput
