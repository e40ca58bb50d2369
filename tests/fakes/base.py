"""A tiny threaded HTTP server on 127.0.0.1 (ephemeral port) for connector tests.

Fakes subclass nothing: they create a `FakeHTTPServer`, register routes and keep their own
in-memory data. Every request is recorded so tests can assert what was sent. Faults (429s,
5xx, slow responses) are injected with `fail_next`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    match: re.Match[str] | None = None

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def args(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class FakeResponse:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None

    def encode(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":")).encode()


Handler = Callable[[FakeRequest], FakeResponse]


@dataclass
class _Fault:
    status: int
    headers: dict[str, str]
    body: Any
    times: int
    path_prefix: str
    skip: int = 0


class FakeHTTPServer:
    """Routes are ``(METHOD, regex)``; the first full match wins."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self.requests: list[FakeRequest] = []
        self.delay_seconds = 0.0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- setup -------------------------------------------------------------------------------
    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._routes.append((method.upper(), re.compile(pattern), handler))
            return handler

        return register

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Any = None,
        path_prefix: str = "",
        after: int = 0,
    ) -> None:
        """Answer the next ``times`` requests (under ``path_prefix``) with ``status``, once
        ``after`` matching requests have been served normally."""
        with self._lock:
            self._faults.append(
                _Fault(status, dict(headers or {}), body, times, path_prefix, after)
            )

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeHTTPServer:
        owner = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Small responses otherwise wait ~40 ms for Nagle + delayed ACK on every request.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _serve(self) -> None:
                owner._dispatch(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeHTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def requests_to(self, path_prefix: str) -> list[FakeRequest]:
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    # -- dispatch ----------------------------------------------------------------------------
    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and path.startswith(fault.path_prefix):
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.times -= 1
                    return fault
            self._faults = [f for f in self._faults if f.times > 0]
        return None

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = FakeRequest(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
        )
        with self._lock:
            self.requests.append(request)
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        fault = self._take_fault(request.path)
        if fault is not None:
            response = FakeResponse(fault.status, fault.body, fault.headers)
        else:
            response = self._route(request)
        payload = response.encode()
        handler.send_response(response.status)
        if response.raw is None and response.body is not None:
            handler.send_header("Content-Type", "application/json")
        for name, value in response.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _route(self, request: FakeRequest) -> FakeResponse:
        for method, pattern, route_handler in self._routes:
            if method != request.method:
                continue
            match = pattern.fullmatch(request.path)
            if match:
                request.match = match
                try:
                    return route_handler(request)
                except Exception as exc:  # a bug in the fake: show it in the test output
                    return FakeResponse(500, {"error": f"fake crashed: {exc!r}"})
        return FakeResponse(404, {"error": f"no route for {request.method} {request.path}"})
