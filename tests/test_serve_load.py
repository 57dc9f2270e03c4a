"""`briefgen serve` under load: previews from many browsers at once while a campaign
builds. Nothing may be lost, and the page must stay responsive: a progress poll never
waits for a build. The figures (how fast) are bench/bench_serve.py's to print; the bounds
here only catch a blocked event loop or a starved queue.
"""

from __future__ import annotations

import re
import threading
import time

import pytest

from serving import running_server

httpx = pytest.importorskip("httpx2")

PREVIEWS = 20
ROWS = 30
FIELDS = {"municipality": "Malmö", "country": "SE", "date": "2026-11-23",
          "priorities": ["protect", "services"]}


def browser(base):
    c = httpx.Client(base_url=base, timeout=300)
    token = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/").text).group(1)
    return c, {"X-CSRF-Token": token}


def test_previews_and_a_campaign_at_once_lose_nothing(tmp_path):
    with running_server(tmp_path, jobs=2) as base:
        c, csrf = browser(base)
        csv = "municipality,country,outputs\n" + "".join(
            f"Town {i},SE,brief\n" for i in range(ROWS))
        state = c.post("/api/campaigns", files={"file": ("load.csv", csv.encode())},
                       headers=csrf).json()
        assert state["total"] == ROWS and state["problems"] == []
        assert c.post(f"/api/campaigns/{state['id']}/start", headers=csrf).status_code == 200
        answers: list[tuple[float, dict]] = []

        def preview(i):
            pc, pcsrf = browser(base)
            t = time.monotonic()
            r = pc.post("/api/preview", json={"fields": dict(FIELDS, municipality=f"P{i}")},
                        headers=pcsrf)
            answers.append((time.monotonic() - t, r.json()))

        threads = [threading.Thread(target=preview, args=(i,)) for i in range(PREVIEWS)]
        for t in threads:
            t.start()
        polls = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            t = time.monotonic()
            s = c.get(f"/api/campaigns/{state['id']}").json()
            page = c.get("/campaigns")
            polls.append(time.monotonic() - t)
            assert page.status_code == 200
            if s["status"] != "running":
                break
            time.sleep(0.3)
        for t in threads:
            t.join(300)
        assert (s["status"], s["built"], s["failed"]) == ("done", ROWS, 0)
        assert len(answers) == PREVIEWS
        for seconds, data in answers:
            assert data["problems"] == [] and len(data["pages"]) >= 4
            assert seconds < 120, seconds       # queued behind the others, never starved
        assert max(polls) < 5, max(polls)       # the page never waits for a build
        manifest = c.get(f"/campaigns/{state['id']}/download")
        assert manifest.status_code == 200
