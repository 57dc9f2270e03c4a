"""Starting the web server: refuse unsafe settings before listening, then run uvicorn."""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import webbrowser
from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.web.security import MIN_TOKEN_CHARS, is_loopback, new_token


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "briefgen" / "serve"


def prepare(host: str, port: int, data: Path | None, token: str | None
            ) -> tuple[Path, str | None, bool]:
    """(data folder, token, loopback): every reason not to start is raised here."""
    loopback = is_loopback(host)
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise BriefgenError(f"the access token is {len(token)} characters; it needs at least "
                            f"{MIN_TOKEN_CHARS}", hint="leave --token out and briefgen makes "
                            "a strong one", code="serve.token")
    if not loopback and not token:
        token = new_token()   # never serve another address without one
    folder = Path(data) if data else default_data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BriefgenError(f"cannot use data folder {folder}: {exc.strerror}",
                            hint="choose another --data folder", code="serve.data") from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError as exc:
        raise BriefgenError(f"cannot listen on {host}:{port}: {exc.strerror}",
                            hint="another program may use that port: choose another --port",
                            code="serve.address") from None
    return folder, token, loopback


def serve(host: str = "127.0.0.1", port: int = 8000, *, data: Path | None = None,
          token: str | None = None, open_browser: bool = False, jobs: int | None = None,
          echo=print) -> None:
    import uvicorn

    from briefgen.campaign.run import usable_cpus
    from briefgen.web.app import Config, create_app
    folder, token, loopback = prepare(host, port, data, token)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s",
                        stream=sys.stderr)
    config = Config(data=folder, token=token, loopback=loopback,
                    jobs=max(1, jobs or usable_cpus()))
    app = create_app(config)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    echo(f"briefgen: serving on {url}")
    echo(f"briefgen: files in {folder}; press Ctrl-C to stop")
    if token and not loopback:
        echo("briefgen: anyone with this address (and its token) can use the server: "
             "share it only with your team")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False,
                server_header=False)
