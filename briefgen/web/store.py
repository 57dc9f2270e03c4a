"""Where the server keeps what sessions upload and build: one folder per session under
--data, one folder per upload or job inside it.

    DATA/secret                          the key that signs CSRF tokens (kept across restarts)
    DATA/sessions/<key>/files/<id>/      PDFs built for download
    DATA/sessions/<key>/campaigns/<id>/  campaign.json, the uploaded file, out/ (the folder
                                         `briefgen campaign` writes), campaign.zip

Every name below a session folder is made here (random ids, fixed file names); nothing
the browser sends becomes part of a path, and ids from the browser must match ID_RE.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from briefgen.output import write_atomic
from briefgen.web.security import session_key

ID_RE = re.compile(r"[0-9a-f]{16}")
FILE_RE = re.compile(r"[a-z0-9][a-z0-9.-]{0,80}\.pdf")
KEEP_DOWNLOADS = 30          # download folders kept per session, newest first


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "sessions").mkdir(parents=True, exist_ok=True)

    def secret(self) -> bytes:
        path = self.root / "secret"
        try:
            return bytes.fromhex(path.read_text().strip())
        except (OSError, ValueError):
            key = secrets.token_bytes(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(key.hex())
            return key

    def session_dir(self, session: str) -> Path:
        return self.root / "sessions" / session_key(session)

    @staticmethod
    def new_id() -> str:
        return secrets.token_hex(8)

    # ------------------------------------------------------------------ downloads

    def save_download(self, session: str, name: str, pdf: bytes) -> str:
        folder_id = self.new_id()
        folder = self.session_dir(session) / "files" / folder_id
        write_atomic(folder / name, pdf)
        self._prune_downloads(folder.parent)
        return folder_id

    def download_path(self, session: str, folder_id: str, name: str) -> Path | None:
        if not (ID_RE.fullmatch(folder_id) and FILE_RE.fullmatch(name)):
            return None
        path = self.session_dir(session) / "files" / folder_id / name
        return path if path.is_file() else None

    @staticmethod
    def _prune_downloads(files: Path) -> None:
        folders = sorted((p for p in files.iterdir() if p.is_dir()),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[KEEP_DOWNLOADS:]:
            shutil.rmtree(old, ignore_errors=True)

    # ------------------------------------------------------------------ campaigns

    def campaigns_dir(self, session: str) -> Path:
        return self.session_dir(session) / "campaigns"

    def campaign_dir(self, session: str, campaign_id: str) -> Path | None:
        if not ID_RE.fullmatch(campaign_id):
            return None
        folder = self.campaigns_dir(session) / campaign_id
        return folder if (folder / "campaign.json").is_file() else None

    def all_campaign_dirs(self):
        """Every campaign of every session (for the restart: running ones are marked)."""
        for folder in (self.root / "sessions").glob("*/campaigns/*"):
            if (folder / "campaign.json").is_file():
                yield folder


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_json(path: Path, data: dict) -> None:
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())


def now() -> float:
    return time.time()
