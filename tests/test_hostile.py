"""Hostile input, faults and concurrency: every case ends in one briefgen line and exit 2
(or the exit code the case calls for), writes nothing half-way, touches nothing outside
the output folder, and never hangs.

Each test is named after what it provokes. Builds are few and small (one priority);
most cases are refused before anything is built, which is part of what they check.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATE, LAYOUTS, REPO, assert_bad_input, run

from briefgen.campaign.lock import LOCK_NAME, folder_lock


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Messages name files relative to the working folder: work where the files are."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def brief(*args):
    return run("brief", "-m", "Malmö", "-p", "1", "--date", DATE, *args)


def csv_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (links as their target's name)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_symlink():
            out[str(p.relative_to(folder))] = f"-> {os.readlink(p)}".encode()
        elif p.is_file():
            out[str(p.relative_to(folder))] = p.read_bytes()
    return out


# --------------------------------------------------------------------------- output targets


def test_output_onto_a_symlink_is_refused_and_the_link_and_its_target_stay(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "out.pdf"
    link.symlink_to(target)
    line = assert_bad_input(brief("-o", "out.pdf"))
    assert line == ("briefgen: error: output path is a symbolic link: out.pdf; briefgen "
                    "replaces only regular files; remove the link or write the PDF elsewhere "
                    "[output.link]")
    assert link.is_symlink() and target.read_text() == "keep me"


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_output_onto_a_device_or_pipe_is_refused_and_stays_what_it_was(tmp_path, kind):
    if kind == "device":  # a null device of our own: the test never risks /dev/null
        node, what = tmp_path / "null.pdf", "a device"
        try:
            os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device node needs root")
    else:
        node, what = tmp_path / "pipe.pdf", "a named pipe"
        os.mkfifo(node)
    mode = node.stat().st_mode
    shown = node.name
    line = assert_bad_input(brief("-o", shown))
    assert line == (f"briefgen: error: output path is not a regular file: {shown} ({what}); "
                    "briefgen writes only new or regular files; give a path ending in .pdf "
                    "[output.special]")
    assert node.stat().st_mode == mode
    assert not list(node.parent.glob(f".{node.name}.*.part"))


def test_a_250_character_file_name_is_written_and_a_300_character_one_refused(tmp_path):
    long_name = "L" * 246 + ".pdf"
    result = brief("-o", tmp_path / long_name)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / long_name).is_file()
    assert not list(tmp_path.glob("*.part"))
    too_long = "L" * 296 + ".pdf"
    line = assert_bad_input(brief("-o", too_long))
    assert line == (f"briefgen: error: output file name is 300 bytes long; file systems allow "
                    f"255: {too_long[:40]}…; choose a shorter -o/--output name [output.name]")


def test_default_names_transliterate_and_carry_a_language_other_than_english():
    from briefgen.campaign import row_slug
    from briefgen.cli import default_output
    from briefgen.selection import Profile
    assert default_output(Profile(municipality="Αθήνα"), "brief") == \
        Path("output/athina-brief.pdf")
    assert default_output(Profile(municipality="Москва"), "brief") == \
        Path("output/moskva-brief.pdf")
    assert default_output(Profile(municipality="Москва", lang="es"), "brief") == \
        Path("output/moskva-brief-es.pdf")
    # the same slug a campaign gives the row's folder
    assert row_slug("Αθήνα", 1) == "athina" and row_slug("Москва", 1) == "moskva"
    # names with no Latin form never share a file
    a = default_output(Profile(municipality="東京"), "brief")
    b = default_output(Profile(municipality="北京"), "brief")
    assert a != b and a.name.startswith("m-") and b.name.startswith("m-")


# --------------------------------------------------------------------------- campaign folder


def test_campaign_never_writes_through_a_symlinked_row_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    decoy = outside / ".brief.pdf.abcdefgh.part"
    decoy.write_text("not yours")
    out = tmp_path / "out"
    out.mkdir()
    (out / "malmo").symlink_to(outside)
    path = csv_file(tmp_path / "c.csv", f"municipality,priorities,date\nMalmö,1,{DATE}\n")
    before = tree(outside)
    line = assert_bad_input(run("campaign", path, "--out", "out", "--jobs", "1"))
    assert line == ("briefgen: error: out/malmo is a symbolic link; briefgen never writes "
                    "through links in an output folder; remove the link (or choose another "
                    "--out) [output.link]")
    assert tree(outside) == before
    assert not (out / "manifest.json").exists()


def test_campaign_pruning_never_follows_a_link_out_of_the_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "brief.pdf"
    victim.write_bytes(b"%PDF-1.4 someone else's\n")
    import hashlib
    out = tmp_path / "out"
    out.mkdir()
    (out / "gone").symlink_to(outside)
    (out / "manifest.json").write_text(json.dumps({"rows": [
        {"row": 1, "municipality": "Gone", "slug": "gone", "status": "built", "inputs": "x",
         "files": [{"path": "gone/brief.pdf", "pages": 1,
                    "sha256": hashlib.sha256(victim.read_bytes()).hexdigest()}]}]}))
    path = csv_file(tmp_path / "c.csv", f"municipality,priorities,date\nLund,1,{DATE}\n")
    result = run("campaign", path, "--out", out, "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert victim.read_bytes() == b"%PDF-1.4 someone else's\n"
    assert (out / "lund" / "brief.pdf").is_file()


def test_a_second_campaign_on_a_locked_folder_exits_2_naming_the_holder(tmp_path):
    path = csv_file(tmp_path / "c.csv", f"municipality,priorities,date\nLund,1,{DATE}\n")
    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(out):
        held = json.loads((out / LOCK_NAME).read_text())
        line = assert_bad_input(run("campaign", path, "--out", "out", "--jobs", "1"))
        assert line == (f"briefgen: error: another campaign is writing to out (pid "
                        f"{os.getpid()} on {socket.gethostname()}, started {held['started']}); "
                        "wait for it to finish, or give this one another --out "
                        "[output.locked]")
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]
    assert not (out / LOCK_NAME).exists()  # released and removed with the run
    # --check writes nothing and needs no lock
    with folder_lock(out):
        assert run("campaign", path, "--out", out, "--check").exit_code == 0


def test_a_full_disk_fails_the_row_being_written_and_the_campaign_goes_on(tmp_path,
                                                                          monkeypatch):
    # In one process the files are written on a thread of their own while the next row
    # is built: a row whose file cannot be written still fails alone, with its message.
    import errno
    rows = "".join(f"{name},1,{DATE}\n" for name in ("Lund", "Umeå", "Gävle"))
    path = csv_file(tmp_path / "c.csv", "municipality,priorities,date\n" + rows)
    out = tmp_path / "out"
    real_fsync, calls = os.fsync, []

    def full_at_the_second_file(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_at_the_second_file)
    result = run("campaign", path, "--out", out, "--jobs", "1", "--quiet")
    assert result.exit_code == 1, result.stderr
    target = out / "umea" / "brief.pdf"
    assert result.stderr.splitlines()[0] == (f"row 3: error: cannot write {target}: No space "
                                             "left on device [output.unwritable]")
    data = json.loads((out / "manifest.json").read_text())
    assert [(r["municipality"], r["status"]) for r in data["rows"]] == \
        [("Lund", "built"), ("Umeå", "failed"), ("Gävle", "built")]
    assert "No space left on device" in data["rows"][1]["error"]
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.pdf")) == \
        ["gavle/brief.pdf", "lund/brief.pdf"]
    assert not list(out.rglob("*.part"))


def test_a_killed_force_rebuild_leaves_no_unlisted_pdf_of_a_removed_row(tmp_path, monkeypatch):
    from briefgen.campaign import run as run_mod
    from briefgen.campaign import workers
    rows = f"municipality,priorities,date\nLund,1,{DATE}\nUmeå,1,{DATE}\nGävle,1,{DATE}\n"
    path = csv_file(tmp_path / "c.csv", rows)
    out = tmp_path / "out"
    assert run("campaign", path, "--out", out, "--jobs", "1", "--quiet").exit_code == 0
    assert (out / "gavle" / "brief.pdf").is_file()

    # Gävle leaves the file; a --force rebuild dies (as kill -9 would: nothing after it
    # runs) at its second row, after saving the manifest of its first.
    csv_file(path, f"municipality,priorities,date\nLund,1,{DATE}\nUmeå,1,{DATE}\n")
    monkeypatch.setattr(run_mod, "MANIFEST_EVERY", 1)
    real, calls = workers.execute, []

    def dies_at_the_second_row(ws, task):
        calls.append(task.row)
        if len(calls) == 2:
            raise SystemExit(137)
        return real(ws, task)

    monkeypatch.setattr(workers, "execute", dies_at_the_second_row)
    assert run("campaign", path, "--out", out, "--jobs", "1", "--force").exit_code == 137
    listed = json.loads((out / "manifest.json").read_text())
    assert "gavle/brief.pdf" in {f["path"] for f in listed["leftovers"]}

    monkeypatch.setattr(workers, "execute", real)
    result = run("campaign", path, "--out", out, "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert not (out / "gavle").exists()
    data = json.loads((out / "manifest.json").read_text())
    assert [r["municipality"] for r in data["rows"]] == ["Lund", "Umeå"]
    assert "leftovers" not in data
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.pdf")) == \
        ["lund/brief.pdf", "umea/brief.pdf"]


def test_a_row_layout_outside_the_campaign_folder_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(LAYOUTS / "letter", elsewhere / "letter")
    campaign_dir = tmp_path / "campaign"
    campaign_dir.mkdir()
    path = csv_file(campaign_dir / "c.csv", "municipality,priorities,date,layout\n"
                    f"Lund,1,{DATE},{elsewhere / 'letter'}\nUmeå,1,{DATE},letter\n")
    result = run("campaign", path, "--check")
    assert result.exit_code == 1
    first, summary = result.stderr.splitlines()
    assert first == (f"row 2: campaign/c.csv:2: error: layout folder '{elsewhere / 'letter'}' "
                     f"is outside the campaign file's folder {campaign_dir} in layout; name a "
                     "built-in layout, or put the layout folder next to the campaign file "
                     "[campaign.layout]")
    assert summary == "briefgen: checked 2 rows: 1 with problems"


def test_a_template_linked_outside_its_layout_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("<p>root:x:0:0:root:/root:/bin/bash</p>\n")
    layout = tmp_path / "mine"
    shutil.copytree(LAYOUTS / "default", layout)
    closing = next(layout.glob("templates/*.j2"))
    closing.unlink()
    closing.symlink_to(secret)
    line = assert_bad_input(run("check", "--layout", layout))
    assert line == (f"briefgen: error: template {closing.relative_to(tmp_path)} leads outside "
                    f"its layout folder mine; copy the file into the layout folder instead of "
                    "linking it [layout.outside]")


# --------------------------------------------------------------------------- signals


def _wait_for_pdfs(out: Path, n: int, proc) -> None:
    deadline = time.monotonic() + 90
    while len(list(out.rglob("*.pdf"))) < n and proc.poll() is None:
        assert time.monotonic() < deadline, "the campaign made no progress"
        time.sleep(0.02)


@pytest.mark.parametrize("sequence", [(signal.SIGINT, signal.SIGINT),
                                      (signal.SIGTERM, signal.SIGINT, signal.SIGTERM)],
                         ids=["ctrl-c-twice", "term-int-term"])
def test_signals_in_quick_succession_end_a_two_job_campaign_within_seconds(tmp_path,
                                                                          sequence):
    rows = "".join(f"Town {i},1,{DATE}\n" for i in range(60))
    path = csv_file(tmp_path / "c.csv", "municipality,priorities,date\n" + rows)
    out = tmp_path / "out"
    # -X faulthandler: if it hangs, SIGABRT makes it print where each thread waits
    proc = subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "briefgen.cli",
                             "campaign", str(path), "--out", str(out), "--jobs", "2",
                             "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    _wait_for_pdfs(out, 3, proc)
    for sig in sequence:
        proc.send_signal(sig)
        time.sleep(0.05)
    started = time.monotonic()
    try:
        _, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        pytest.fail("the campaign hung after the signals; its threads:\n" +
                    err.decode(errors="replace")[-6000:])
    assert time.monotonic() - started < 15
    assert proc.returncode == 130, err
    assert err.decode().splitlines() == ["briefgen: interrupted"]
    data = json.loads((out / "manifest.json").read_text())
    for entry in data["rows"]:
        for f in entry["files"]:
            assert (out / f["path"]).is_file()
    assert not list(out.rglob("*.part")) and not (out / LOCK_NAME).exists()


def test_a_campaign_worker_ends_on_sigterm_whatever_the_campaign_does_with_it():
    """Stopping the pool terminates its workers with SIGTERM. A forked worker that kept the
    campaign's own handler (KeyboardInterrupt once, then every signal ignored) answered
    with that exception as the row's result and then waited for rows, never exiting."""
    from briefgen.campaign.run import interruptible
    from briefgen.campaign.workers import WorkerPool
    with interruptible():
        pool = WorkerPool(1)
        try:
            in_worker = pool.submit(signal.getsignal, signal.SIGTERM).result(timeout=120)
        finally:
            pool.shutdown()
    assert in_worker == signal.SIG_DFL


# --------------------------------------------------------------------------- malformed input


def test_an_unterminated_quote_in_a_csv_is_refused_at_the_line_it_opened(tmp_path):
    path = csv_file(tmp_path / "c.csv", "municipality,country\nMalmö,SE\n\"Lund,SE\n"
                    "Umeå,SE\nGävle,SE\n")
    line = assert_bad_input(run("campaign", path, "--check"))
    assert line == ('briefgen: c.csv:3: error: a quoted cell that starts on this line is never '
                    'closed; close the quote (") or remove it; every cell after it was read '
                    "as one [campaign.csv]")


def test_a_quote_closed_rows_later_fails_the_row_that_swallowed_them(tmp_path):
    path = csv_file(tmp_path / "c.csv", "municipality,country\nMalmö,SE\n\"Lund,SE\n"
                    "Umeå\",SE\nGävle,SE\n")
    result = run("campaign", path, "--check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "row 3: c.csv:3: error: a line break inside the 'municipality' cell; is a quote (\") "
        "left open on this line? only local_context may span lines [campaign.cells]")


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize("text, expected", [
    (BOMB, "profile.yaml:7:4: error: the YAML stands for more than 2,000,000 values (aliases "
           "that repeat aliases?); write the values out, or use fewer '*' aliases [yaml.size]"),
    ("municipality: " + "[" * 100 + "]" * 100 + "\n",
     "profile.yaml:1:54: error: the YAML nests lists and mappings more than 40 deep; flatten "
     "the structure [yaml.depth]"),
    ("municipality: Malmö\x00\n",
     "profile.yaml:1:20: error: U+0000 (NUL) is not allowed in YAML; remove it (control "
     "characters cannot be printed) [yaml.character]"),
    ('municipality: "Malm\\x1b]0;owned\\x07"\n',
     "profile.yaml:1:15: error: U+001B (a control character) in a YAML value; remove it "
     "(control characters cannot be printed) [text.control]"),
    ("municipality: Malmö\n1: X\n",
     "profile.yaml:2:4: error: unknown profile field '1' in 1; fields: municipality, country, "
     "region, role, lang, organisation, contact, date, local_context, priorities, actions, "
     "examples, examples_per_priority, layout, brand, logo, local_examples, pictures, all "
     "[profile.unknown]"),
    ("municipality: Malmö\n? [a, b]\n: X\n",
     "profile.yaml:2:3: error: a key must be a plain word, not a list or mapping; write "
     "'key: value' [yaml.key]"),
], ids=["alias-bomb", "deep-nesting", "nul", "escape-sequence", "number-key", "list-key"])
def test_hostile_yaml_is_one_located_line(tmp_path, text, expected):
    profile = tmp_path / "profile.yaml"
    profile.write_text(text, encoding="utf-8")
    out = tmp_path / "x.pdf"
    line = assert_bad_input(run("brief", profile, "--date", DATE, "-o", out), out)
    assert line == f"briefgen: {expected}"


def test_a_superscript_digit_as_priority_is_an_unknown_priority_everywhere(tmp_path):
    line = assert_bad_input(brief("-p", "¹", "-o", tmp_path / "x.pdf"))
    assert line == ("briefgen: error: unknown priority '¹' in command line; valid: protect, "
                    "detention, families, services, root-causes, xenophobia (or a number 1-6) "
                    "[ref.priority]")
    path = csv_file(tmp_path / "c.csv", "municipality,priorities\nLund,¹\nUmeå,1\n")
    result = run("campaign", path, "--check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "row 2: c.csv:2: error: unknown priority '¹' in priorities; valid: protect, detention, "
        "families, services, root-causes, xenophobia (or a number 1-6) [ref.priority]",
        "briefgen: checked 2 rows: 1 with problems"]


@pytest.mark.parametrize("value, problem", [
    ("garbage", "'garbage' is not a time"),
    ("99999999999999", "'99999999999999' is after the year 9999"),
    ("-5", "'-5' is not a time"),
])
def test_a_bad_source_date_epoch_is_one_line_even_with_a_date(tmp_path, monkeypatch,
                                                               value, problem):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief("-o", out), out)
    assert line == (f"briefgen: error: {problem} in SOURCE_DATE_EPOCH; give whole seconds "
                    "since 1970-01-01 UTC (e.g. 1764547200) or unset it "
                    "[env.source-date-epoch]")


def test_source_date_epoch_does_not_change_the_bytes_when_the_date_is_given(tmp_path,
                                                                           monkeypatch):
    plain = tmp_path / "a.pdf"
    assert brief("-o", plain).exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    pinned = tmp_path / "b.pdf"
    assert brief("-o", pinned).exit_code == 0
    assert plain.read_bytes() == pinned.read_bytes()


@pytest.mark.parametrize("args, expected", [
    (["brief", "--frobnicate"], "no such option '--frobnicate'; see 'briefgen brief --help'"),
    (["campaign"], "missing argument 'FILE.xlsx|FILE.csv|FILE.yaml'; see "
                   "'briefgen campaign --help'"),
    (["campaign", "x.csv", "--jobs", "0"],
     "invalid value for '--jobs': 0 is not in the range x>=1; see 'briefgen campaign --help'"),
    (["lsit"], "no such command 'lsit' (did you mean 'list'?); see 'briefgen --help'"),
    (["campaign", "x.csv", "--jobs", "two"],
     "invalid value for '--jobs': 'two' is not a valid integer range; see 'briefgen campaign "
     "--help'"),
], ids=["option", "argument", "range", "command", "type"])
def test_usage_errors_are_one_line_in_briefgens_style(args, expected):
    line = assert_bad_input(run(*args))
    assert line == f"briefgen: error: {expected} [usage]"


def test_a_closed_pipe_ends_quietly(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "briefgen.cli", "list", "actions"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    proc.stdout.close()  # like `| head -0`: the reader is gone before the first line
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert err == b""


# --------------------------------------------------------------------------- text


def test_right_to_left_text_in_a_field_is_set_not_refused(tmp_path):
    # the shaped paragraph path sets Hebrew and Arabic names (tests/test_scripts.py)
    out = tmp_path / "x.pdf"
    result = run("brief", "-m", "תל אביב", "-p", "1", "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.is_file()


def test_terminal_escape_sequences_in_csv_names_are_printed_escaped(tmp_path):
    path = csv_file(tmp_path / "c.csv", "municipality,priorities\n"
                    "Evil\x1b]0;owned\x07town,nonsense\n")
    result = run("campaign", path, "--check")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        "row 2: c.csv:2: error: U+001B (a control character) in 'municipality' in "
        "municipality; remove it (control characters cannot be printed) [text.control]")
    from briefgen.diagnostics import terminal_safe
    assert terminal_safe("Evil\x1b]0;owned\x07\u202etown") == \
        "Evil\\x1b]0;owned\\x07\\u202etown"


def test_a_name_met_again_in_another_language_takes_the_language_in_its_folder():
    from briefgen.campaign import unique_slugs
    assert unique_slugs([(1, "Malmö"), (2, "Malmö"), (3, "Malmö"), (4, "Malmö")],
                        {1: "en", 2: "es", 3: "fr", 4: "es"}) == \
        {1: "malmo", 2: "malmo-es", 3: "malmo-fr", 4: "malmo-es-2"}


# --------------------------------------------------------------------------- boxes, links, fonts


def test_a_local_context_too_long_for_a_page_continues_in_a_box_marked_continued(tmp_path):
    from conftest import Pdf, norm
    sentences = " ".join(f"Sentence {i} of what the town council heard this year."
                         for i in range(220))                 # about 12 KB
    out = tmp_path / "x.pdf"
    result = brief("--local-context", sentences, "-o", out)
    assert result.exit_code == 0, result.stderr
    pdf = Pdf(out)
    first = pdf.pages_with("Sentence 0 of what")
    last = pdf.pages_with("Sentence 219 of what")
    assert first and last and last[0] > first[0]
    assert pdf.pages_with("(continued)") == list(range(first[0] + 1, last[0] + 1))
    # (a sentence cut by the page break has the running head between its words)
    found = {int(n) for n in re.findall(r"Sentence\s+(\d+)\b", pdf.text)} | \
        {int(n) for n in re.findall(r"\b(\d+)\s+of\s+what", pdf.text)}
    assert found == set(range(220))                      # nothing lost at the page breaks
    heading = pdf.pages_with("The situation in Malmö")
    assert heading == first                              # the box starts under its title
    assert norm("Sentence 0 of what") in norm(pdf.texts[first[0] - 1 + 1])


def test_a_footnote_that_cites_a_footnote_is_refused_by_check_and_brief(pack_copy, tmp_path):
    from conftest import edit
    notes = pack_copy / "notes.yaml"
    edit(notes, r"(only once and administrative proceedings)", r"\1 [^fn-one-stop-shops]")
    where = value_start(notes, "only once and administrative proceedings")
    expected = (f"briefgen: content/notes.yaml:{where}: error: a footnote cannot cite a "
                "footnote in footnotes[1].text.en; write the detail into this note "
                "[ref.footnote-in-footnote]")
    assert assert_bad_input(run("check", "--content", pack_copy)) == expected
    out = tmp_path / "x.pdf"
    assert assert_bad_input(brief("--content", pack_copy, "-o", out), out) == expected


@pytest.mark.parametrize("target, scheme", [("file:///etc/passwd", "file"),
                                            ("javascript:alert(1)", "javascript")])
def test_file_and_javascript_links_are_refused_by_check(pack_copy, target, scheme):
    from conftest import edit
    edit(pack_copy / "examples.yaml", r"\[standards\]\(src:berlin-standards\)",
                f"[standards]({target})")
    where = value_start(pack_copy / "examples.yaml", f"[standards]({target})")
    got = assert_bad_input(run("check", "--content", pack_copy))
    assert got.startswith(f"briefgen: content/examples.yaml:{where}: ")
    assert got.endswith(f"error: link target '{target}' uses '{scheme}:'; links may be "
                        "http:, https:, mailto:, tel: in examples[0].text.en [link.scheme]")


def test_a_url_with_parentheses_is_kept_whole():
    from briefgen import inline
    url = "https://en.wikipedia.org/wiki/Sanctuary_city_(US)"
    nodes = inline.parse(f"See [the article]({url}) for more (in English).")
    link = next(n for n in nodes if isinstance(n, inline.Link))
    assert link.url == url
    assert inline.plain(nodes) == "See the article for more (in English)."


def test_a_character_only_the_fallback_font_has_stays_in_the_running_head(tmp_path):
    from conftest import Pdf, norm
    out = tmp_path / "x.pdf"
    result = run("brief", "-m", "Snow☃ville", "-p", "1", "--organisation", "Snow☃ Org",
                 "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    pdf = Pdf(out)
    body = norm(pdf.texts[2])
    assert "Snow☃ville" in body            # the running head
    assert "Snow☃Org" in body              # the footer
    assert "\x00" not in pdf.text


def value_start(path: Path, snippet: str) -> str:
    """line:column of the YAML block scalar ('>-') holding `snippet`: where the pack's
    messages place a text."""
    text = path.read_text(encoding="utf-8")
    at = text.index(snippet)
    start = text.rindex(">-", 0, at)
    line = text.count("\n", 0, start) + 1
    return f"{line}:{start - (text.rfind(chr(10), 0, start) + 1) + 1}"


def _layout_copy(tmp_path, name="mine") -> Path:
    layout = tmp_path / name
    shutil.copytree(LAYOUTS / "default", layout)
    return layout


@pytest.mark.parametrize("change, expected", [
    (("theme.yaml", r"(?m)^(\s+body:\s*\{[^}]*?size:\s*)[\d.]+(pt)?", r"\g<1>0"),
     "type size 0pt is outside 1-500pt"),
    (("theme.yaml", r"(?m)^(  size: )A4$", r"\g<1>[0, 0]"),
     "page size [0, 0] is smaller than 72pt (one inch) a side"),
    (("templates/closing.html.j2", r"(?s)\A", '<spacer height="tall">\n'),
     "spacer height 'tall' is not a number of points from 0 to 500"),
    (("labels.yaml", r"(?m)^(  page_of: ).*$", r'\1"Page {page} of {pages} ({nonsense})"'),
     "label 'page_of' uses the placeholder {nonsense}, which briefgen does not fill"),
], ids=["zero-font-size", "page-0-0", "spacer-tall", "unknown-placeholder"])
def test_layout_values_of_the_wrong_type_or_range_are_one_line(tmp_path, change, expected):
    from conftest import edit
    layout = _layout_copy(tmp_path)
    file, pattern, repl = change
    edit(layout / file, pattern, repl)
    line = assert_bad_input(run("check", "--layout", layout))
    assert expected in line, line


def test_duplicate_heading_ids_are_refused(tmp_path):
    from conftest import edit
    layout = _layout_copy(tmp_path)
    edit(layout / "templates" / "closing.html.j2", r'id="next-steps"', 'id="contents"')
    edit(layout / "templates" / "closing.html.j2", r"(?s)\A", '<h2 id="contents">Again</h2>\n')
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief("--layout", layout, "-o", out), out)
    assert line == ("briefgen: error: two headings have the id 'contents'; give each heading of "
                    "a layout's templates its own id= [template.heading-id]")


def test_a_user_value_in_a_template_attribute_stays_text(tmp_path):
    from conftest import Pdf, edit
    layout = _layout_copy(tmp_path)
    edit(layout / "templates" / "closing.html.j2", r'id="next-steps"', 'id="{{ municipality }}"')
    out = tmp_path / "x.pdf"
    name = 'Bob"s <b>Town</b> & Co'
    result = run("brief", "-m", name, "-p", "1", "--layout", layout, "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert name in Pdf(out).text.replace("\n", " ")
    # and a class that names no style is a located error, not a crash
    edit(layout / "templates" / "closing.html.j2", r'<p class="closing">', '<p class="{{ municipality }}">')
    line = assert_bad_input(run("brief", "-m", "Nowhere", "-p", "1", "--layout", layout,
                                "--date", DATE, "-o", out))
    assert "class 'Nowhere' is not a style of the theme" in line


def test_a_truncated_font_file_is_one_line(tmp_path):
    layout = _layout_copy(tmp_path)
    fonts = layout / "fonts" / "NotoSans"
    shutil.copytree(REPO / "fonts" / "NotoSans", fonts)
    regular = fonts / "NotoSans-Regular.ttf"
    regular.write_bytes(regular.read_bytes()[:5000])
    line = assert_bad_input(run("check", "--layout", layout))
    assert line.startswith(f"briefgen: error: cannot use font {regular}: ")
    assert line.endswith("[font.invalid]")


def test_a_layouts_own_font_is_never_confused_with_the_built_in_one(tmp_path):
    """Fonts are known by their bytes: a layout's fonts/NotoSans with other files draws
    with those files even after the built-in NotoSans was registered in this process."""
    from pypdf import PdfReader
    layout = _layout_copy(tmp_path)
    fonts = layout / "fonts" / "NotoSans"
    fonts.mkdir(parents=True)
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):   # Noto Serif, named NotoSans
        shutil.copy(REPO / "fonts" / "NotoSerif" / f"NotoSerif-{face}.ttf",
                    fonts / f"NotoSans-{face}.ttf")
    built_in, own = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert brief("-o", built_in).exit_code == 0
    assert brief("--layout", layout, "-o", own).exit_code == 0

    def base_fonts(path):
        names = set()
        for page in PdfReader(str(path)).pages:
            for font in (page["/Resources"].get("/Font") or {}).values():
                names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
        return names
    assert any(n.startswith("NotoSans") for n in base_fonts(built_in))
    assert any(n.startswith("NotoSerif") for n in base_fonts(own))
    assert not any(n.startswith("NotoSans") for n in base_fonts(own)
                   if not n.startswith("NotoSansSymbols"))


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_given_as_an_input_file_is_refused_not_read_forever(tmp_path, kind):
    for name in ("profile.yaml", "c.csv"):
        node = tmp_path / name
        if kind == "fifo":
            os.mkfifo(node)
        else:
            try:  # /dev/zero's numbers: read, it never ends
                os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 5))
            except PermissionError:
                pytest.skip("making a device node needs root")
    line = assert_bad_input(run("brief", "profile.yaml", "--date", DATE, "-o", "x.pdf"))
    assert line == ("briefgen: error: profile is not a regular file (a device or a pipe): "
                    "profile.yaml; give the path of a file [file.special]")
    line = assert_bad_input(run("campaign", "c.csv", "--check"))
    assert line == ("briefgen: error: campaign file is not a regular file (a device or a "
                    "pipe): c.csv; give the path of a file [file.special]")


def test_markup_nested_without_end_is_a_located_error(pack_copy):
    from briefgen import inline
    with pytest.raises(inline.MarkupError):
        inline.parse("[" * 5000)
    from conftest import edit
    edit(pack_copy / "examples.yaml", r"\[standards\]\(src:berlin-standards\)",
         "[" * 3000 + "standards")
    where = value_start(pack_copy / "examples.yaml", "[" * 3000)
    import yaml
    text = yaml.safe_load((pack_copy / "examples.yaml").read_text())["examples"][0]["text"]["en"]
    at = text.index("[") + 13 + 1          # just inside the thirteenth bracket, 1-based
    result = run("check", "--content", pack_copy)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    line = result.stderr.splitlines()[0]  # (then the checker's note that no 'en' text is left)
    assert line == (f"briefgen: content/examples.yaml:{where}: error: bad markup: markup "
                    f"nested more than 12 deep at character {at}; write \\* or \\[ for a "
                    "literal star or bracket in examples[0].text.en [markup]")


def test_a_manifest_linked_out_of_the_folder_stops_the_run_before_it_builds(tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text("{}")
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").symlink_to(outside)
    path = csv_file(tmp_path / "c.csv", f"municipality,priorities,date\nLund,1,{DATE}\n")
    line = assert_bad_input(run("campaign", path, "--out", "out", "--jobs", "1"))
    assert line == ("briefgen: error: output path is a symbolic link: out/manifest.json; "
                    "briefgen replaces only regular files; remove the link or write the PDF "
                    "elsewhere [output.link]")
    assert outside.read_text() == "{}" and not (out / "lund").exists()


def test_a_20_kb_example_in_the_pack_passes_check_and_builds_continued(pack_copy, tmp_path):
    from conftest import Pdf, edit
    long_text = " ".join(f"Detail {i} of how the programme was run, step by step."
                         for i in range(380))                  # about 20 KB
    edit(pack_copy / "examples.yaml", r"(women in every refugee accommodation center under its\s+"
         r"jurisdiction\.)", rf"\1 {long_text}")
    assert run("check", "--content", pack_copy).exit_code == 0
    out = tmp_path / "x.pdf"
    result = brief("--content", pack_copy, "-e", "berlin-standards", "-o", out)
    assert result.exit_code == 0, result.stderr
    pdf = Pdf(out)
    assert pdf.pages_with("Detail 0 of how") and pdf.pages_with("(continued)")
    assert pdf.pages_with("Detail 379 of how")[0] > pdf.pages_with("Detail 0 of how")[0]


def test_source_date_epoch_cannot_leave_a_campaign_rerun_stale(tmp_path, monkeypatch):
    """A dated row's bytes do not depend on SOURCE_DATE_EPOCH, so a rerun that skips it
    under another value keeps exactly what a forced rebuild would write; an undated row
    takes its date from the variable, which the inputs hash holds, and is rebuilt."""
    path = csv_file(tmp_path / "c.csv", f"municipality,priorities,date\nLund,1,{DATE}\n"
                    "Umeå,1,\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run("campaign", path, "--out", "out", "--jobs", "1", "--quiet").exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert run("campaign", path, "--out", "out", "--jobs", "1", "--quiet").exit_code == 0
    status = {r["municipality"]: r["status"]
              for r in json.loads((tmp_path / "out" / "manifest.json").read_text())["rows"]}
    assert status == {"Lund": "skipped", "Umeå": "built"}
    assert run("campaign", path, "--out", "fresh", "--jobs", "1", "--quiet",
               "--force").exit_code == 0
    for town in ("lund", "umea"):
        assert (tmp_path / "out" / town / "brief.pdf").read_bytes() == \
            (tmp_path / "fresh" / town / "brief.pdf").read_bytes()


def test_a_font_linked_outside_its_layout_is_refused(tmp_path):
    layout = _layout_copy(tmp_path)
    fonts = layout / "fonts" / "NotoSans"
    fonts.mkdir(parents=True)
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        (fonts / f"NotoSans-{face}.ttf").symlink_to(
            REPO / "fonts" / "NotoSerif" / f"NotoSerif-{face}.ttf")
    line = assert_bad_input(run("check", "--layout", layout))
    assert line == ("briefgen: error: font mine/fonts/NotoSans/NotoSans-Bold.ttf leads outside "
                    "its layout folder mine; copy the file into the layout folder instead of "
                    "linking it [layout.outside]")


def test_a_temporary_file_is_always_new_and_never_a_link_followed(tmp_path, monkeypatch):
    """output.new_file, which writes every PDF and cache file: a name already taken (by a
    file or by a link planted to catch the write) is never opened; another name is."""
    import os

    from briefgen import output
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    names = iter(["aaaaaaaaaaaa", "aaaaaaaaaaaa", "bbbbbbbbbbbb"])
    monkeypatch.setattr(os, "urandom", lambda n: bytes.fromhex(next(names)))
    (tmp_path / ".x.aaaaaaaaaaaa.part").symlink_to(target)
    fd, path = output.new_file(tmp_path, ".x.", ".part")
    os.close(fd)
    assert path == str(tmp_path / ".x.bbbbbbbbbbbb.part")
    assert target.read_text() == "keep me"
    assert os.stat(path).st_mode & 0o777 == 0o600
