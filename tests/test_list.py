"""`briefgen list`: the ids of the content pack, for people and for scripts."""

from __future__ import annotations

import json

import yaml

from conftest import CONTENT, ALL_PRIORITIES, run

FIELDS = {"id", "title", "places", "country", "region", "year", "priority", "source"}


def _yaml(name):
    return yaml.safe_load((CONTENT / name).read_text(encoding="utf-8"))


def test_list_examples_json():
    result = run("list", "examples", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == 21
    for row in rows:
        assert set(row) == FIELDS, row
    # checked against the YAML itself, read without briefgen
    raw = _yaml("examples.yaml")["examples"]
    urls = {s["id"]: s["url"] for s in _yaml("notes.yaml")["sources"]}
    assert [r["id"] for r in rows] == [e["id"] for e in raw]
    for row, e in zip(rows, raw):
        assert row["title"] == e["title"]["en"]
        places = e["places"]  # a list, or one list per language where names differ
        assert row["places"] == (places["en"] if isinstance(places, dict) else places)
        assert row["country"] == e["country"]
        assert row["region"] == e["region"]
        assert row["year"] == e["year"]
        assert row["priority"] == e["priority"]
        assert row["source"] == (urls[e["source"]] if e["source"] else None)


def test_list_examples_of_one_priority():
    by_number = json.loads(run("list", "examples", "-p", "4", "--json").stdout)
    by_id = json.loads(run("list", "examples", "-p", "services", "--json").stdout)
    assert by_number == by_id and by_number
    assert {r["priority"] for r in by_number} == {"services"}
    assert "kiel" in [r["id"] for r in by_number]


def test_list_priorities_in_order():
    result = run("list", "priorities")
    assert result.exit_code == 0, result.stderr
    lines = [l.split() for l in result.stdout.splitlines() if l.strip()]
    assert [l[1] for l in lines] == list(ALL_PRIORITIES)
    assert [l[0] for l in lines] == ["1", "2", "3", "4", "5", "6"]


def test_list_priorities_json_titles():
    rows = json.loads(run("list", "priorities", "--json").stdout)
    raw = {p["id"]: p for p in _yaml("priorities.yaml")["priorities"]}
    assert [r["id"] for r in rows] == list(ALL_PRIORITIES)
    for r in rows:
        assert r["title"] == raw[r["id"]]["title"]["en"]
        assert r["number"] == raw[r["id"]]["number"]


def test_list_sources_json():
    rows = json.loads(run("list", "sources", "--json").stdout)
    raw = _yaml("notes.yaml")["sources"]
    assert [(r["id"], r["url"]) for r in rows] == [(s["id"], s["url"]) for s in raw]


def test_list_unknown_priority_is_bad_input():
    result = run("list", "examples", "-p", "9")
    assert result.exit_code == 2
    assert result.stderr.startswith("briefgen:") and result.stdout == ""
