"""A minimal FastCGI client (the web server's side), for talking to the worker
without nginx: used where the point is how the worker got its socket."""

from __future__ import annotations

import socket
import struct

BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def _record(kind: int, content: bytes, request_id: int = 1) -> bytes:
    padding = (8 - len(content) % 8) % 8
    return struct.pack("!BBHHBB", 1, kind, request_id, len(content), padding, 0) + content + b"\0" * padding


def _pair(name: str, value: str) -> bytes:
    out = b""
    for part in (name.encode(), value.encode()):
        out += bytes([len(part)]) if len(part) < 128 else struct.pack("!I", len(part) | 0x80000000)
    return out + name.encode() + value.encode()


def request(socket_path: str, method: str, uri: str, host: str, body: bytes = b"", timeout: float = 5.0):
    """Sends one request and returns (status, headers, body) of the CGI answer."""
    params = {"REQUEST_METHOD": method, "REQUEST_URI": uri, "HTTP_HOST": host, "REMOTE_ADDR": "127.0.0.1",
              "CONTENT_LENGTH": str(len(body)) if body else ""}
    message = _record(BEGIN_REQUEST, struct.pack("!HB5x", 1, 0))
    message += _record(PARAMS, b"".join(_pair(k, v) for k, v in params.items())) + _record(PARAMS, b"")
    if body:
        message += _record(STDIN, body)
    message += _record(STDIN, b"")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(socket_path)
        connection.sendall(message)
        stdout, buffer = b"", b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            buffer += chunk
        while len(buffer) >= 8:
            _, kind, _, length, padding, _ = struct.unpack("!BBHHBB", buffer[:8])
            content = buffer[8:8 + length]
            buffer = buffer[8 + length + padding:]
            if kind == STDOUT:
                stdout += content
            if kind == END_REQUEST:
                break
    head, _, payload = stdout.partition(b"\r\n\r\n")
    status, headers = 200, {}
    for line in head.decode().split("\r\n"):
        name, _, value = line.partition(": ")
        if name == "Status":
            status = int(value.split()[0])
        else:
            headers[name.lower()] = value
    return status, headers, payload
