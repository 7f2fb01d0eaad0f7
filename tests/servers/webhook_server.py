"""A webhook receiver on 127.0.0.1 for the tests, the way an office's endpoint would be.

It checks what messaging/channels/webhook.py promises: the signature (HMAC-SHA256 with the
shared secret over "<X-Bulletin-Timestamp>.<body>"), a timestamp within five minutes, and a
JSON body; a request that fails a check is answered 401 or 400, as a receiver must. Past the
checks it answers from its script — a list of (status, headers, body), one per request, the
last one repeated — and may wait `delay` seconds first (a receiver that hangs).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_SKEW_SECONDS = 300


@dataclass
class Received:
    headers: dict
    body: bytes
    payload: dict | None
    signature_ok: bool
    answered: int


@dataclass
class WebhookServer:
    secret: str
    script: list[tuple[int, dict, str]] = field(default_factory=lambda: [(200, {}, '{"ok": true}')])
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status, headers, text = server.answer(dict(self.headers.items()), body)
                if server.delay:
                    time.sleep(server.delay)
                data = text.encode()
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def answer(self, headers: dict, body: bytes) -> tuple[int, dict, str]:
        timestamp = headers.get("X-Bulletin-Timestamp", "")
        given = headers.get("X-Bulletin-Signature", "")
        expected = (
            "sha256="
            + hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        )
        signature_ok = hmac.compare_digest(given, expected)
        try:
            payload = json.loads(body.decode())
        except (UnicodeDecodeError, json.JSONDecodeError):
            payload = None
        with self._lock:
            if not signature_ok:
                status, extra, text = 401, {}, '{"error": "signature mismatch"}'
            elif not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
                status, extra, text = 401, {}, '{"error": "stale timestamp"}'
            elif payload is None:
                status, extra, text = 400, {}, '{"error": "body is not JSON"}'
            else:
                index = min(sum(1 for r in self.received if r.signature_ok), len(self.script) - 1)
                status, extra, text = self.script[index]
            self.received.append(Received(headers, body, payload, signature_ok, status))
        return status, extra, text

    def __enter__(self) -> WebhookServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
