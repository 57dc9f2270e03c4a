"""What keeps a briefgen server safe to leave running: the access token, the Host check,
sessions, CSRF, body limits and the security headers, as one ASGI middleware.

- On 127.0.0.1 (the default) only requests whose Host is this machine are served, which
  stops a web page elsewhere from reaching the server through DNS rebinding.
- On any other address every request needs the access token: in the address printed at
  start (`?token=`, then kept in a cookie), or as `Authorization: Bearer TOKEN`.
- Each browser gets a session: a random id in an HttpOnly, SameSite=Strict cookie. Its
  files live in a folder named by a hash of that id, so one session cannot name another's.
- Every request that changes something (POST) must carry the session's CSRF token in the
  X-CSRF-Token header, which a page from another site cannot set.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import re
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

log = logging.getLogger("briefgen.web")

SESSION_COOKIE = "briefgen_session"
TOKEN_COOKIE = "briefgen_token"
CSRF_HEADER = b"x-csrf-token"
MIN_TOKEN_CHARS = 16
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# A session outlives the browser window: campaign staff close the browser and come back
# the next day to their campaigns.
SESSION_DAYS = 90
_SESSION_RE = re.compile(r"[A-Za-z0-9_-]{32,64}")

SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
     b"connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


def session_key(session: str) -> str:
    """The folder name of a session's files: a hash, so the id itself is never on disk."""
    return hashlib.sha256(session.encode()).hexdigest()[:32]


def csrf_token(secret: bytes, session: str) -> str:
    return hmac.new(secret, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()


def _cookies(scope) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie is no cookie
                pass
    return {k: m.value for k, m in jar.items()}


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


class Guard:
    """ASGI middleware around the whole application (see the module's docstring)."""

    def __init__(self, app, *, secret: bytes, token: str | None, loopback: bool,
                 max_body: int, secure_cookies: bool = False):
        self.app = app
        self.secret = secret
        self.token = token
        self.loopback = loopback
        self.max_body = max_body
        self.cookie_flags = (f"; Max-Age={SESSION_DAYS * 86400}; HttpOnly; SameSite=Strict;"
                             " Path=/" + ("; Secure" if secure_cookies else ""))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]
        cookies = _cookies(scope)
        set_cookies: list[str] = []

        if self.loopback and not self._local_host(_header(scope, b"host")):
            return await self._refuse(send, 421, "This server only answers requests "
                                      "addressed to this computer (127.0.0.1 or localhost).",
                                      scope, "wrong_host")
        if self.token:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            given = query.get("token") or cookies.get(TOKEN_COOKIE) or \
                _header(scope, b"authorization").removeprefix("Bearer ").strip()
            if not (given and hmac.compare_digest(given.encode(), self.token.encode())):
                return await self._refuse(send, 401, "This briefgen server needs its access "
                                          "token: open the full address that was printed "
                                          "when it started (it ends in ?token=...).",
                                          scope, "need_token")
            if "token" in query and method in SAFE_METHODS:
                # Keep the token in a cookie and take it out of the address bar (and of
                # the history and any link copied from it).
                rest = urlencode([(k, v) for k, v in query.items() if k != "token"])
                location = scope["path"] + (f"?{rest}" if rest else "")
                return await self._redirect(send, location, [
                    f"{TOKEN_COOKIE}={self.token}{self.cookie_flags}",
                    *self._session_cookie(cookies)])

        session = cookies.get(SESSION_COOKIE, "")
        if not _SESSION_RE.fullmatch(session):
            session = secrets.token_urlsafe(32)
            set_cookies.append(f"{SESSION_COOKIE}={session}{self.cookie_flags}")
        scope.setdefault("state", {})
        scope["state"]["session"] = session
        scope["state"]["csrf"] = csrf_token(self.secret, session)

        if method not in SAFE_METHODS:
            sent = _header(scope, CSRF_HEADER.lower())
            if not hmac.compare_digest(sent.encode(), scope["state"]["csrf"].encode()):
                return await self._refuse(send, 403, "This form has expired or came from "
                                          "another page: reload the page and try again.")
            origin = _header(scope, b"origin")
            host = _header(scope, b"host")
            if origin and origin.split("://", 1)[-1] != host:
                return await self._refuse(send, 403, "This request came from another site.")
            length = _header(scope, b"content-length")
            if length.isdigit() and int(length) > self.max_body:
                return await self._refuse(send, 413, self._too_big())

        received = 0
        too_big = False

        async def limited_receive():
            nonlocal received, too_big
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_big = True
                    raise BodyTooLarge(self._too_big())
            return message

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                headers += [(b"set-cookie", c.encode("latin-1")) for c in set_cookies]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge as exc:
            await self._refuse(send, 413, str(exc))

    def _too_big(self) -> str:
        return f"That upload is too large: at most {self.max_body // 1_000_000} MB."

    def _session_cookie(self, cookies) -> list[str]:
        if _SESSION_RE.fullmatch(cookies.get(SESSION_COOKIE, "")):
            return []
        return [f"{SESSION_COOKIE}={secrets.token_urlsafe(32)}{self.cookie_flags}"]

    @staticmethod
    def _local_host(host: str) -> bool:
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return is_loopback(name.strip("[]"))

    async def _refuse(self, send, status: int, message: str, scope=None, key: str = ""):
        """JSON for the page's script; for a person opening an address, a page in their
        language."""
        kind = b"application/json"
        body = json.dumps({"error": message}).encode()
        if scope is not None and key and "text/html" in _header(scope, b"accept"):
            from briefgen.web.i18n import STRINGS, pick_language
            from briefgen.web.pages import message_page
            ui = pick_language(None, None, _header(scope, b"accept-language"))
            body = message_page(ui, "briefgen", STRINGS[ui][key]).encode()
            kind = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", kind),
                                (b"content-length", str(len(body)).encode()),
                                *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})

    async def _redirect(self, send, location: str, cookies: list[str]):
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode("latin-1")),
                                (b"content-length", b"0"), *SECURITY_HEADERS,
                                *[(b"set-cookie", c.encode("latin-1")) for c in cookies]]})
        await send({"type": "http.response.body", "body": b""})


class BodyTooLarge(Exception):
    pass
