"""One HTTP exchange with a provider (浙政钉, the SMS gateway), with bounded waits.

Standard library only (http.client): the providers answer small JSON bodies, and a separate
connect and read timeout is what matters (a provider that accepts the connection and then
hangs must not hold the worker).
"""

import http.client
import socket
import ssl
import urllib.parse

from django.conf import settings


def exchange(
    url: str, *, method: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, dict, bytes]:
    """One HTTP exchange with bounded waits: BULLETIN_PROVIDER_CONNECT_TIMEOUT seconds to
    connect, BULLETIN_PROVIDER_READ_TIMEOUT seconds for each read. Returns (status, headers
    with lower-case names, body). Raises TimeoutError (socket.timeout) or another OSError."""
    parts = urllib.parse.urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=settings.BULLETIN_PROVIDER_CONNECT_TIMEOUT)
    try:
        connection.connect()
        connection.sock.settimeout(settings.BULLETIN_PROVIDER_READ_TIMEOUT)
        path = parts.path or "/"
        if parts.query:
            path += f"?{parts.query}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except http.client.HTTPException as error:
        raise OSError(f"{type(error).__name__}") from error
    finally:
        connection.close()


def network_trouble(error: BaseException) -> str:
    """What went wrong on the network, in words the editor reads on a delivery record
    (the exception's type goes to the log, not to the page)."""
    if isinstance(error, TimeoutError):
        return "等待超时"
    if isinstance(error, ConnectionRefusedError):
        return "连接被拒绝（对方服务未启动，或地址、端口有误）"
    if isinstance(error, socket.gaierror):
        return "找不到服务器地址（域名无法解析）"
    if isinstance(error, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        return "连接被对方中断"
    if isinstance(error, ssl.SSLError):
        return "加密连接（TLS）建立失败"
    if isinstance(error, OSError) and isinstance(error.__cause__, http.client.HTTPException):
        return "对方的答复不合 HTTP 规范"
    return "网络不通"
