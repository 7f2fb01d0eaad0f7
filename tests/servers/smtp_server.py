"""A mail server on 127.0.0.1 for the tests, speaking enough SMTP (RFC 5321) for smtplib.

EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT. A recipient listed in `refuse`
({address: (code, text)}) is answered with that code (550 "mailbox unavailable" is a
permanent refusal, 450 a transient one); every accepted message is kept in `messages` as
(sender, recipients, raw bytes). `greeting` replaces the 220 greeting (e.g. 421 for a
server that is up but refuses service).
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class SmtpServer:
    refuse: dict[str, tuple[int, str]] = field(default_factory=dict)
    greeting: str = "220 mail.test.local ESMTP ready"
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    def __post_init__(self):
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                self.reply(server.greeting)
                if not server.greeting.startswith("220"):
                    return
                sender, recipients = "", []
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                    verb = line[:4].upper()
                    if verb == "EHLO":
                        self.reply("250-mail.test.local")
                        self.reply("250 8BITMIME")
                    elif verb == "HELO":
                        self.reply("250 mail.test.local")
                    elif verb == "MAIL":
                        sender, recipients = _address(line), []
                        self.reply("250 2.1.0 OK")
                    elif verb == "RCPT":
                        address = _address(line)
                        if address in server.refuse:
                            code, text = server.refuse[address]
                            self.reply(f"{code} {text}")
                        else:
                            recipients.append(address)
                            self.reply("250 2.1.5 OK")
                    elif verb == "DATA":
                        if not recipients:
                            self.reply("554 5.5.1 no valid recipients")
                            continue
                        self.reply("354 end data with <CR><LF>.<CR><LF>")
                        data = bytearray()
                        while True:
                            chunk = self.rfile.readline()
                            if not chunk or chunk == b".\r\n":
                                break
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        server.messages.append((sender, recipients, bytes(data)))
                        self.reply(f"250 2.0.0 OK queued as {len(server.messages)}")
                    elif verb == "RSET":
                        sender, recipients = "", []
                        self.reply("250 OK")
                    elif verb == "NOOP":
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 5.5.2 command not recognized")

        self.tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.tcp.daemon_threads = True
        self.port = self.tcp.server_address[1]

    def __enter__(self) -> SmtpServer:
        self._thread = threading.Thread(target=self.tcp.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.tcp.shutdown()
        self.tcp.server_close()


def _address(line: str) -> str:
    start, end = line.find("<"), line.find(">")
    return line[start + 1 : end] if 0 <= start < end else ""
