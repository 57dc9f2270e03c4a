"""What a campaign run did: counts, the manifest rows, and what its caller should show."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class CampaignResult:
    out_dir: Path
    rows: list[dict]                    # manifest entries, in row order
    built: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)   # "row N: message", one per problem
    checked: bool = False               # --check: nothing was built
    total: int = 0                      # data rows in the file
    packet: Path | None = None
    interrupted: bool = False
    removed: list[str] = field(default_factory=list)    # stale files of earlier runs
    # (builds finished so far, worker pid, its peak RSS in KiB) after each build
    memory: list[tuple[int, int, int]] = field(default_factory=list)
    build_seconds: float = 0.0          # spent building documents, summed over workers

    @property
    def ok(self) -> bool:
        return not self.failed and not self.problems
