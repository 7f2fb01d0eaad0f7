"""gunicorn settings for 杭州人大信息 (`gunicorn -c deploy/gunicorn.conf.py config.wsgi`).

Every value can be overridden by an environment variable (GUNICORN_BIND, GUNICORN_WORKERS,
…), which is how `make serve` and deploy/systemd/bulletin-web.service set them.
"""

import multiprocessing
import os

# Sync workers: every request is short (renders run in the task worker, not here), so
# 2 × cores + 1 processes keep the cores busy while some wait on the database.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Replace each worker after about a thousand requests, so no process grows for weeks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Load the application once in the master; workers share its memory pages.
preload_app = True
# Uploads (Word files) are read by Django; nginx limits the body size before that.
limit_request_line = 8190

# Access log on stdout (journald under systemd): address, user, request, status, bytes,
# time taken in microseconds (%(D)s) and the browser. %(t)s brings its own brackets.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'
proc_name = "bulletin-web"
# Behind nginx on the same machine (or the office's proxy): trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No gunicornc control socket (one shared path per user would collide between instances).
control_socket_disable = True
