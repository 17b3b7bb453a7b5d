"""A loopback GitHub or GitLab that keeps the comments of one pull (merge) request.

It implements the documented endpoints `qualitygates comment` uses, with their payloads:
GitHub's issue comments (`GET/POST /repos/{owner}/{repo}/issues/{n}/comments`, `PATCH
/repos/{owner}/{repo}/issues/comments/{id}`, pages linked by `Link: rel="next"`) and
GitLab's merge-request notes (`GET/POST /projects/{id}/merge_requests/{iid}/notes`, `PUT
.../notes/{note_id}`, pages told by `X-Next-Page`). Pages hold `page_size` comments
whatever `per_page` asks, so that every test walks several. `faults` are statuses served,
in turn, before the next requests are answered; a wrong token is a 401, another request
a 404.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "s3cret-comment-token"


class CodeHost:
    def __init__(self, provider: str, page_size: int = 2, others: int = 3) -> None:
        self.provider = provider
        self.page_size = page_size
        self.comments = [{"id": 100 + n, "body": f"an earlier review comment {n}"}
                         for n in range(others)]  # fmt: skip
        self.faults: list[tuple[int, dict[str, str]]] = []
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True

    @property
    def url(self) -> str:
        base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        return base + ("/api/v4" if self.provider == "gitlab" else "")

    def __enter__(self) -> CodeHost:
        threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def answer(self, method: str, path: str, query: dict[str, list[str]],
               headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:  # fmt: skip
        with self._lock:
            self.seen.append((method, path, headers))
            if self.faults:
                status, extra = self.faults.pop(0)
                return status, extra, {"message": "scripted fault"}
            if not self._authorised(headers):
                return 401, {}, {"message": "Bad credentials"}
            route = self._route(path)
            if route is None:
                return 404, {}, {"message": "Not Found"}
            kind, note_id = route
            if method == "GET" and kind == "list":
                return self._page(int((query.get("page") or ["1"])[0]))
            text = json.loads(body or b"{}").get("body", "")
            if method == "POST" and kind == "list":
                comment = {"id": 100 + len(self.comments), "body": text}
                self.comments.append(comment)
                return 201, {}, comment
            if method in ("PATCH", "PUT") and kind == "one":
                for comment in self.comments:
                    if comment["id"] == note_id:
                        comment["body"] = text
                        return 200, {}, comment
            return 404, {}, {"message": "Not Found"}

    def _authorised(self, headers: dict[str, str]) -> bool:
        if self.provider == "github":
            return headers.get("Authorization") == f"Bearer {TOKEN}"
        return headers.get("PRIVATE-TOKEN") == TOKEN

    def _route(self, path: str) -> tuple[str, int] | None:
        if self.provider == "github":
            if path == "/repos/acme/shop/issues/7/comments":
                return "list", 0
            found = re.fullmatch(r"/repos/acme/shop/issues/comments/(\d+)", path)
        else:
            base = "/api/v4/projects/acme/shop/merge_requests/7/notes"
            if path == base:
                return "list", 0
            found = re.fullmatch(re.escape(base) + r"/(\d+)", path)
        return ("one", int(found.group(1))) if found else None

    def _page(self, page: int) -> tuple[int, dict[str, str], Any]:
        start = (page - 1) * self.page_size
        items = self.comments[start : start + self.page_size]
        more = start + self.page_size < len(self.comments)
        if self.provider == "github":
            headers = {"Link": f'<{self.url}/next?page={page + 1}>; rel="next"'} if more else {}
        else:
            headers = {"X-Next-Page": str(page + 1) if more else ""}
        return 200, headers, items


def _handler(host: CodeHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            size = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(size) if size else b""
            status, headers, data = host.answer(
                self.command, unquote(parts.path), parse_qs(parts.query),
                dict(self.headers.items()), body,
            )  # fmt: skip
            payload = json.dumps(data).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = _serve

        def log_message(self, *args: object) -> None:
            pass

    return Handler
