#!/usr/bin/env bash
# `make serve`: a production-like trial on this machine — gunicorn (deploy/gunicorn.conf.py)
# and the background task worker, DEBUG off, static files collected and served by
# WhiteNoise, on the embedded SQLite database unless DATABASE_URL says otherwise.
# Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
data_dir=${BULLETIN_DATA_DIR:-var}
mkdir -p "$data_dir"

export DJANGO_DEBUG=0
# LibreOffice at background priority, as deploy/bulletin.env.example sets it.
export BULLETIN_SOFFICE=${BULLETIN_SOFFICE:-$PWD/scripts/soffice-background}
# A secret key made once for this machine's trial and kept (mode 600) beside the data.
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  key_file="$data_dir/serve-secret-key"
  if [ ! -s "$key_file" ]; then
    (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$key_file")
  fi
  DJANGO_SECRET_KEY=$(cat "$key_file")
  export DJANGO_SECRET_KEY
fi
# Plain http on this machine: cookies must not require HTTPS here (they do behind nginx).
export DJANGO_SECURE_COOKIES=${DJANGO_SECURE_COOKIES:-0}
export GUNICORN_BIND="$HOST:$PORT"

.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py migrate --noinput -v0

nice -n 10 .venv/bin/python manage.py run_worker &  # as bulletin-worker.service (Nice=10)
worker=$!
trap 'kill -TERM $worker 2>/dev/null; wait $worker 2>/dev/null || true' EXIT INT TERM

echo "杭州人大信息编辑系统（gunicorn + 后台任务进程）：http://$HOST:$PORT/  （Ctrl+C 停止）"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi:application
