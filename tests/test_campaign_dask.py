"""`briefgen campaign --scheduler`: rows built on a Dask cluster, files written here.

The cluster is a real one: a scheduler and two worker processes on this machine
(distributed.LocalCluster), talked to over TCP exactly as a remote cluster would be.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATE, assert_bad_input, run
from pypdf import PdfReader

distributed = pytest.importorskip("distributed")

ROWS = [("Malmö", "SE", "protect", "en"),
        ("Villahermosa", "MX", "families", "es"),
        ("Lund", "SE", "nonsense", "en"),
        ("Saint-Denis", "FR", "xenophobia", "fr")]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as local:
        yield local.scheduler_address


def write_campaign(folder: Path) -> Path:
    path = folder / "towns.csv"
    lines = ["municipality,country,priorities,lang,date"]
    lines += [f"{name},{country},{priority},{lang},{DATE}"
              for name, country, priority, lang in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows_without_timing(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["rows"]


def test_cluster_build_matches_a_local_build(tmp_path, cluster):
    path = write_campaign(tmp_path)
    local, remote = tmp_path / "local", tmp_path / "remote"
    assert run("campaign", path, "--out", local, "--jobs", "1", "--quiet").exit_code == 1

    result = run("campaign", path, "--out", remote, "--scheduler", cluster)
    assert result.exit_code == 1, result.stderr
    assert "row 4: " in result.stderr and "nonsense" in result.stderr
    assert "3 built, 0 skipped, 1 failed" in result.stderr

    # Same manifest rows (paths, page counts, hashes, errors) and byte-identical PDFs.
    assert rows_without_timing(remote) == rows_without_timing(local)
    built = sorted(p.relative_to(remote) for p in remote.rglob("*.pdf"))
    assert [str(p) for p in built] == ["malmo/brief.pdf", "saint-denis/brief.pdf",
                                       "villahermosa/brief.pdf"]
    for rel in built:
        assert (remote / rel).read_bytes() == (local / rel).read_bytes()

    # Each row in its own language, built on the workers.
    villahermosa = PdfReader(str(remote / "villahermosa" / "brief.pdf"))
    assert villahermosa.trailer["/Root"]["/Lang"] == "es"
    saint_denis = PdfReader(str(remote / "saint-denis" / "brief.pdf"))
    assert saint_denis.trailer["/Root"]["/Lang"] == "fr"

    # A rerun against the cluster skips what is unchanged, like a local one.
    again = run("campaign", path, "--out", remote, "--scheduler", cluster)
    assert "0 built, 3 skipped, 1 failed" in again.stderr


def test_unreachable_scheduler_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    from briefgen.campaign import cluster as cluster_mod
    monkeypatch.setattr(cluster_mod, "CONNECT_TIMEOUT", "2s")
    path = write_campaign(tmp_path)
    out = tmp_path / "out"
    result = run("campaign", path, "--out", out, "--scheduler", "tcp://127.0.0.1:9")
    line = assert_bad_input(result)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in line
    assert "dask scheduler" in line
    assert not out.exists()

    line = assert_bad_input(run("campaign", path, "--out", out, "--scheduler", "nonsense:xx"))
    assert "not a Dask scheduler address: 'nonsense:xx'" in line and "tcp://HOST:PORT" in line
    assert not out.exists()


def test_a_worker_with_another_pack_or_version_fails_the_row_not_the_campaign(tmp_path):
    """What a worker does with a row whose inputs hash it could not honour (run in-process)."""
    from briefgen import __version__
    from briefgen.campaign.cluster import Expected, _work
    from briefgen.campaign.workers import Task
    from briefgen.selection import Profile
    task = Task(7, Profile(municipality="Malmö"), (("brief.pdf", "brief", ""),), False)

    other_version = _work(task, Expected("0.0.1", "x", None))
    assert other_version["files"] == [] and other_version["row"] == 7
    assert f"runs briefgen {__version__}, this campaign briefgen 0.0.1" in \
        other_version["error"]

    other_pack = _work(task, Expected(__version__, "not-the-fingerprint", None))
    assert other_pack["files"] == []
    assert "content pack differs" in other_pack["error"]
