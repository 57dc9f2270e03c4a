"""What a campaign tells the person running it: a progress bar, plain lines, a summary."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from briefgen.campaign.result import CampaignResult
from briefgen.diagnostics import terminal_safe


class Progress:
    """What a campaign tells its caller while it runs. The default says nothing."""

    def start(self, total: int, out_dir: Path, checking: bool) -> None:
        pass

    def row(self, done: int, total: int, entry: dict) -> None:
        pass

    def finish(self, result: CampaignResult) -> None:
        pass


class ConsoleProgress(Progress):
    """A redrawn progress bar on a terminal, plain lines otherwise; failures always."""

    BAR = 24

    def __init__(self, stream: TextIO, *, quiet: bool = False, tty: bool | None = None):
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty() if tty is None else tty
        self.started = time.monotonic()
        self.width = 0

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def _clear(self) -> None:
        if self.width:
            self._write("\r" + " " * self.width + "\r")
            self.width = 0

    def start(self, total, out_dir, checking):
        self.started = time.monotonic()

    def row(self, done, total, entry):
        failed = entry["status"] == "failed"
        if failed:
            self._clear()
            self._write(f"row {entry['row']}: {terminal_safe(entry['error'])}\n")
        elif entry["status"] == "built" and entry.get("warnings"):
            # One line a row, not one a field: a campaign with a missing translation
            # would otherwise print it for every row. The manifest keeps them all.
            first, more = entry["warnings"][0], len(entry["warnings"]) - 1
            self._clear()
            self._write(f"row {entry['row']}: {terminal_safe(first)}"
                        + (f" (and {more} more in manifest.json)" if more else "") + "\n")
        if self.quiet:
            return
        if not self.tty:
            name = terminal_safe(entry["municipality"]) or f"row {entry['row']}"
            self._write(f"[{done}/{total}] {entry['status']} {name}\n")
            return
        elapsed = time.monotonic() - self.started
        eta = elapsed / done * (total - done) if done else 0
        filled = round(self.BAR * done / total) if total else self.BAR
        line = (f"[{'#' * filled}{'.' * (self.BAR - filled)}] {done}/{total}  "
                f"ETA {_clock(eta)}  {terminal_safe(entry['municipality'][:30])}")
        self._write("\r" + line.ljust(self.width))
        self.width = len(line)

    def finish(self, result):
        self._clear()
        if result.checked:
            for line in result.problems:
                self._write(f"{terminal_safe(line)}\n")
            if not self.quiet or result.problems:
                bad = len({p.split(":")[0] for p in result.problems})
                self._write(f"briefgen: checked {result.total} row{'s' * (result.total != 1)}: "
                            + (f"{bad} with problems\n" if bad else "all fine\n"))
            return
        if self.quiet:
            return
        head = "interrupted" if result.interrupted else "done"
        removed = len(result.removed)
        self._write(f"briefgen: {head}: {result.built} built, {result.skipped} skipped, "
                    f"{result.failed} failed in {result.seconds:.1f} s; output in "
                    f"{result.out_dir}"
                    + (f" (removed {removed} file{'s' * (removed != 1)} earlier runs made "
                       "for rows or outputs no longer in the file)" if removed else "")
                    + "\n")


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 60}:{seconds % 60:02d}"
