"""The command line: parse options, call the library, turn errors into exit codes.

Exit codes: 0 done; 1 some campaign rows failed; 2 bad input of any kind.
Data goes to stdout (`list --json`); diagnostics go to stderr.
"""

from __future__ import annotations

import gc

# Importing the command line (click, and the modules it needs) makes many objects and no
# garbage; the cyclic collector waits until the end of this module (6-11 ms CPU).
_COLLECTING = gc.isenabled()
gc.disable()

import functools
import sys
from pathlib import Path

import click

from briefgen import dccode

dccode.install()   # before any dataclass is made: their methods' code from the cache folder

from briefgen import __version__
from briefgen.diagnostics import Location, terminal_safe
from briefgen.errors import BriefgenError, ProblemsError

_DEBUG = False
_ONE_SHOT = [False]   # a one-shot command ran: the process may end without teardown
_OWN_ARGS = [False]   # main() runs with this process's own arguments: it ends after


def _say(line: str) -> None:
    """One diagnostic line on stderr, with user text that a terminal would act on escaped."""
    click.echo(f"briefgen: {terminal_safe(line)}", err=True)


def _report(exc: BriefgenError) -> None:
    for diag in exc.diagnostics:
        _say(str(diag))
    if isinstance(exc, ProblemsError) and len(exc.diagnostics) > 1:
        _say(exc.summary)


def _quiet_broken_pipe() -> None:
    """The reader of stdout went away (`briefgen list actions | head -2`): stop without a
    word. Later writes, and the flush at exit, go nowhere instead of failing again."""
    import os
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(0)


def handled(fn):
    """Run a command; a BriefgenError becomes its message and exit code, never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except BriefgenError as exc:
            if _DEBUG:
                raise
            _report(exc)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("briefgen: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            _quiet_broken_pipe()
        except Exception as exc:  # a bug: say so in one line, keep the traceback for --debug
            if _DEBUG:
                raise
            _say(f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())} "
                 "(run again with --debug for the traceback and report it)")
            sys.exit(3)
    return wrapper


def one_shot(fn):
    """For commands that build a few documents and end: the cyclic garbage collector only
    costs time there (imports, cache loads and layout make many objects and few cycles;
    about 12% of a whole `brief` process), so it waits until the command is done."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from briefgen.lazy import one_shot_imports
        one_shot_imports()   # Pillow's Image loaded only if a raster image is drawn
        enabled = gc.isenabled()
        gc.disable()
        _ONE_SHOT[0] = True
        try:
            return fn(*args, **kwargs)
        finally:
            dccode.save()    # if this process had to compile dataclass methods
            # Not again in a process that ends now: the first allocation after it would
            # walk every object the command made (none was ever collected, so all are
            # young), about 5 ms, to free nothing the exit would not.
            if enabled and not _OWN_ARGS[0]:
                gc.enable()
    return wrapper


def profile_options(fn):
    """The options shared by every command that builds for one municipality."""
    options = [
        click.argument("profile_file", metavar="[PROFILE.yaml]", required=False,
                       type=click.Path(dir_okay=False, path_type=Path)),
        click.option("-m", "--municipality",
                     help="Name of the municipality (none: the general edition, for local "
                          "governments in general)."),
        click.option("--country", help="Country: ISO 3166 code (SE) or name (Sweden)."),
        click.option("--region", help="World region id or name (default: from the country)."),
        click.option("--role", help="One of the roles the content pack declares "
                                    "(see `briefgen list roles`)."),
        click.option("--lang", help="Language of the document (en, es, fr, ar)."),
        click.option("--organisation", help="Organisation issuing the document."),
        click.option("--contact", help="Contact line for the closing section."),
        click.option("--local-context", help="A paragraph on the local situation."),
        click.option("-p", "--priority", "priorities", multiple=True,
                     help="Priority id, or its number in the agenda (repeatable)."),
        click.option("-a", "--action", "actions", multiple=True, help="Action id (repeatable)."),
        click.option("-e", "--example", "examples", multiple=True, help="Example id (repeatable)."),
        click.option("--examples-per-priority", type=int,
                     help="Examples picked per priority when none are named (default 2)."),
        click.option("--layout", help="Layout name (default, letter) or a layout folder."),
        click.option("--brand", metavar="FILE",
                     help="Brand file (Quarto _brand.yml style): organisation name, logo, "
                          "colours, fonts."),
        click.option("--logo", metavar="FILE", help="Logo picture (PNG, JPEG or SVG) for the "
                                                     "cover and footer."),
        click.option("--content", type=click.Path(path_type=Path),
                     help="Content pack folder (default: the built-in pack)."),
        click.option("--date", help="Date of the document, YYYY-MM-DD (default: today)."),
        click.option("--allow-fallback", is_flag=True,
                     help="Use English where a translation is missing (and say which)."),
        click.option("--no-tags", is_flag=True,
                     help="A quicker draft: no structure tree, not PDF/UA or PDF/A (screen "
                          "readers cannot follow it). Tagged is the default."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def make_profile(profile_file, **flags):
    from briefgen.selection import Profile, load_profile
    profile = load_profile(profile_file) if profile_file else Profile()
    overrides = {k: v for k, v in flags.items() if k in _PROFILE_FLAGS}
    return profile.merged(overrides, Location(keypath="command line"))


_PROFILE_FLAGS = {"municipality", "country", "region", "role", "lang", "organisation", "contact",
                  "local_context", "priorities", "actions", "examples", "examples_per_priority",
                  "date", "all", "brand", "logo"}


def open_option(fn):
    return click.option("--open", "open_after", is_flag=True,
                        help="Open what was written (the PDF, or the folder) afterwards.")(fn)


def _open(path: Path, wanted: bool) -> None:
    """Open a written PDF or folder with the desktop's own program."""
    if wanted:
        click.launch(str(path))


_VERBOSITY = 0   # -1 quiet, 0 normal, 1+ verbose


def _set_quiet(ctx, param, value):
    global _VERBOSITY
    if value:
        _VERBOSITY = -1


def _set_verbose(ctx, param, value):
    global _VERBOSITY
    if value and _VERBOSITY >= 0:
        _VERBOSITY = value


def verbosity(fn):
    """-q/--quiet and -v/--verbose, the same on every command."""
    fn = click.option("-v", "--verbose", count=True, expose_value=False, is_eager=True,
                      callback=_set_verbose,
                      help="Say more: what was used and how long each document took.")(fn)
    fn = click.option("-q", "--quiet", is_flag=True, expose_value=False, is_eager=True,
                      callback=_set_quiet,
                      help="Only errors: no warnings, notes, progress or 'wrote' lines.")(fn)
    return fn


def _warn(warnings, prefix: str = "") -> None:
    if _VERBOSITY < 0:
        return
    for w in warnings:
        _say(f"{prefix}{w}")


def _tell(text: str, level: int = 0) -> None:
    """A line of progress on stderr ('wrote ...'), unless -q; level 1 only with -v."""
    if _VERBOSITY >= level:
        click.echo(terminal_safe(text), err=True)


def _check_output(path: Path | None) -> None:
    if path is not None and str(path) != "-":
        from briefgen.output import check_target
        check_target(path)  # known before the build: a device or a link is never written


def _emit_pdf(path: Path, pdf: bytes, started: float | None = None, built=None) -> None:
    """Write a PDF atomically, or to standard output for `-o -`."""
    import time
    if str(path) == "-":
        out = getattr(sys.stdout, "buffer", sys.stdout)
        out.write(pdf)
        out.flush()
    else:
        from briefgen.output import write_atomic
        write_atomic(path, pdf)
        _tell(f"wrote {path}")
    if started is not None and built is not None:
        doc = built.document
        _tell(f"briefgen: {doc.kind}: {built.pages} page{'s' * (built.pages != 1)}, "
              f"{len(pdf) // 1024} KiB, {time.perf_counter() - started:.2f} s", level=1)


def _end_process(code: int) -> None:
    """End this process now, as Python's exit would but without its teardown: after a
    one-shot command, clearing every module and freeing each object one by one is
    about a fifteenth of a whole `brief` process, for memory the system takes back.
    Standard output and error are flushed (`-o -` writes the PDF there) and atexit's
    handlers run first; the PDF was written, synced and renamed into place before.
    Returns (Python's own exit follows) while another thread runs, whose end
    Python would wait for, or if a stream cannot be flushed."""
    import atexit
    import os
    import threading
    gc.freeze()
    if threading.active_count() != 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:   # a closed pipe: Python's exit says so as ever
        return
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        return
    os._exit(code)


class BriefgenGroup(click.Group):
    """click's usage errors (an unknown option, a missing argument, a bad value) said as
    every other briefgen error is: one line, exit 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        _OWN_ARGS[0] = args is None
        try:
            self._main(args, prog_name, complete_var, **extra)
        except SystemExit as exc:
            if args is None and _ONE_SHOT[0] and (exc.code is None or type(exc.code) is int):
                _end_process(exc.code or 0)
            raise
        finally:
            if args is None:   # this process's own arguments: the process ends now
                # The collection Python makes as it exits would walk every object the
                # command made and kept (modules, fonts, kept layout), only to free
                # memory the process gives back anyway: a seventh of a whole `brief`
                # process. Frozen objects are left out of it.
                gc.freeze()

    def _main(self, args, prog_name, complete_var, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "briefgen"
            text = " ".join(exc.format_message().split()).rstrip(".")
            if ". " in text:  # "No such command 'lsit'. Did you mean 'list'?"
                first, rest = text.split(". ", 1)
                text = f"{first} ({rest[:1].lower() + rest[1:]})"
            _say(f"error: {text[:1].lower() + text[1:]}; see '{where} --help' [usage]")
            sys.exit(2)
        except click.Abort:
            click.echo("briefgen: interrupted", err=True)
            sys.exit(130)
        except click.ClickException as exc:
            _say(f"error: {' '.join(exc.format_message().split())}")
            sys.exit(exc.exit_code if exc.exit_code != 1 else 2)
        except BrokenPipeError:
            _quiet_broken_pipe()
        sys.exit(code or 0)


@click.group(cls=BriefgenGroup, name="briefgen",
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="briefgen")
@click.option("--debug", is_flag=True, help="Show a traceback for errors (for bug reports).")
def main(debug):
    """Print-ready advocacy briefs, one-page factsheets and campaign builds."""
    global _DEBUG, _VERBOSITY
    _DEBUG = debug
    _VERBOSITY = 0   # each run starts at normal (tests run many in one process)


@main.command(epilog="""\b
Examples:
  briefgen brief -m Malmö --country SE -p protect -p 4 -o malmo.pdf
  briefgen brief examples/malmo.yaml --lang es
  briefgen brief --all -o agenda.pdf      (the general edition: no municipality)""")
@profile_options
@click.option("--all", "all_", is_flag=True, help="The whole agenda: every action and example.")
@click.option("-o", "--output", type=click.Path(path_type=Path, allow_dash=True),
              help="PDF to write, '-' for standard output "
                   "(default: output/<municipality>-brief.pdf).")
@open_option
@verbosity
@handled
@one_shot
def brief(profile_file, output, all_, layout, content, allow_fallback, open_after, **flags):
    """Build a tailored brief for one municipality, or the general edition without -m."""
    import time
    from briefgen.build import Workspace
    started = time.perf_counter()
    profile = make_profile(profile_file, all=all_ or None, **flags)
    path = output or default_output(profile, "brief")
    _check_output(path)
    built = Workspace(content, tagged=not flags.get("no_tags")).build(
        "brief", profile, layout, allow_fallback=allow_fallback)
    _warn(built.warnings)
    _emit_pdf(path, built.pdf, started, built)
    _open(path, open_after and str(path) != "-")


@main.command(epilog="""\b
Examples:
  briefgen factsheet -p protect -m Malmö --country SE -o protect.pdf
  briefgen factsheet --all examples/malmo.yaml --out output/sheets
  briefgen factsheet --all --combined examples/malmo.yaml -o sheets.pdf
  briefgen factsheet --at-a-glance -m Malmö -o glance.pdf""")
@profile_options
@click.option("--all", "all_", is_flag=True, help="One factsheet per priority.")
@click.option("--combined", is_flag=True, help="With --all: one PDF, a page and bookmark each.")
@click.option("--at-a-glance", "glance", is_flag=True,
              help="The one-page overview of every priority.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="With --all: folder for the sheets (default: output/).")
@click.option("-o", "--output", type=click.Path(path_type=Path, allow_dash=True),
              help="PDF to write, '-' for standard output.")
@open_option
@verbosity
@handled
@one_shot
def factsheet(profile_file, all_, combined, glance, out_dir, output, layout, content,
              allow_fallback, open_after, **flags):
    """Build one-page factsheets: one priority, every priority, or the at-a-glance sheet."""
    import time
    from briefgen.build import Workspace
    from briefgen.errors import SelectionError
    from briefgen.output import check_target, write_atomic
    started = time.perf_counter()
    profile = make_profile(profile_file, **flags)
    ws = Workspace(content, tagged=not flags.get("no_tags"))
    _check_output(output)
    if all_ and not combined and not glance and output is not None:
        raise SelectionError("-o names one PDF, and --all makes one per priority",
                             hint="use --out FOLDER, or add --combined for one PDF",
                             code="factsheet.output")
    if glance:
        path = output or default_output(profile, "at-a-glance")
        _check_output(path)
        built = ws.build("at-a-glance", profile, layout, allow_fallback=allow_fallback)
        _warn(built.warnings)
        _emit_pdf(path, built.pdf, started, built)
        _open(path, open_after and str(path) != "-")
        return
    if all_:
        ids = [p.id for p in ws.pack.priorities]
    elif profile.priorities:
        ids = [ws.pack.resolve_priority(profile.priorities[0], profile.loc("priorities")).id]
        if len(profile.priorities) > 1:
            raise SelectionError("a factsheet covers one priority",
                                 hint="give one -p, or use --all for one sheet per priority",
                                 code="factsheet.priority")
    else:
        raise SelectionError("no priority given for the factsheet",
                             hint="pass -p ID (e.g. -p protect), --all or --at-a-glance",
                             code="factsheet.priority")
    results = []
    for pid in ids:
        built = ws.build("factsheet", profile, layout, allow_fallback=allow_fallback,
                         priority=pid)
        _warn(built.warnings, f"{pid}: ")
        results.append((pid, built))
    if all_ and combined:
        from briefgen.packet import merge_pdfs
        path = output or default_output(profile, "factsheets")
        pdf = merge_pdfs([(b.document.meta.title, b.pdf) for _, b in results],
                         title=results[0][1].document.meta.title.split(":")[0],
                         lang=results[0][1].document.meta.lang)
        _check_output(path)
        _emit_pdf(path, pdf)
        _open(path, open_after and str(path) != "-")
        return
    for pid, built in results:
        if all_:
            path = (out_dir or Path("output")) / f"factsheet-{pid}.pdf"
            check_target(path)
            write_atomic(path, built.pdf)
            _tell(f"wrote {path}")
        else:
            path = output or default_output(profile, f"factsheet-{pid}")
            _check_output(path)
            _emit_pdf(path, built.pdf, started, built)
    _open(path.parent if all_ else path, open_after and str(path) != "-")


def default_output(profile, what: str) -> Path:
    """output/<municipality>-<what>.pdf, with the language when it is not English, so that
    the Spanish brief of a town does not replace its English one."""
    from briefgen.names import file_stem
    if not profile.municipality:  # the general edition
        return Path("output") / f"{what}{lang_suffix(profile)}.pdf"
    return Path("output") / f"{file_stem(profile.municipality)}-{what}{lang_suffix(profile)}.pdf"


def lang_suffix(profile) -> str:
    from briefgen.names import file_stem
    lang = profile.lang or "en"
    return "" if lang == "en" else f"-{file_stem(lang)}"


@main.command("list", epilog="""\b
Examples:
  briefgen list priorities
  briefgen list examples --country ES
  briefgen list examples --region europe --priority services --json""")
@click.argument("what", type=click.Choice(["priorities", "actions", "examples", "sources",
                                          "roles", "kinds"]))
@click.option("-p", "--priority", help="Only items of this priority (id or number).")
@click.option("--country", help="Examples: only those from this country (code or name).")
@click.option("--region", help="Examples: only those from this world region (id or name).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--content", type=click.Path(path_type=Path), help="Content pack folder.")
@click.option("--lang", default="en", help="Language of titles.")
@verbosity
@handled
def list_(what, priority, country, region, as_json, content, lang):
    """List the ids of the content pack, or the document kinds briefgen builds."""
    if what == "kinds":
        from briefgen.kinds import KINDS
        rows = [{"id": k.name, "doc": k.doc, "one_page": k.one_page, "output": k.output}
                for k in KINDS.values()]
        if as_json:
            import json
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        for row in rows if not as_json else ():
            click.echo(f"{row['id']:<14} {row['doc']} (campaign output '{row['output']}')")
        return
    from briefgen import cache, resources
    from briefgen.errors import SelectionError
    from briefgen.inline import plain
    from briefgen.selection import Profile, resolve_country, resolve_region
    # The pack alone: no layout, templates or renderer to import.
    pack = cache.load_pack(Path(content) if content else resources.content_dir())
    pid = pack.resolve_priority(priority).id if priority else None
    if (country or region) and what != "examples":
        raise SelectionError("--country and --region filter examples",
                             hint="use them with 'briefgen list examples'", code="list.filter")
    code = resolve_country(country, pack, lang, Location(keypath="--country")) \
        if country else ""
    region_id = resolve_region(Profile(region=region or ""), code, pack) if region else ""

    def t(text):
        return plain(text.nodes(lang if text.has(lang) else "en"))

    rows = []
    if what == "priorities":
        rows = [{"id": p.id, "number": p.number, "title": t(p.title)} for p in pack.priorities]
    elif what == "actions":
        rows = [{"id": a.id, "priority": a.priority, "kind": a.kind, "text": t(a.short)}
                for a in pack.actions if not pid or a.priority == pid]
    elif what == "examples":
        rows = [{"id": e.id, "title": t(e.title), "places": list(e.places.get(lang or "en")),
                 "country": e.country, "region": e.region, "year": e.year, "priority": e.priority,
                 "source": pack.sources[e.source].url if e.source else None}
                for e in pack.examples if (not pid or e.priority == pid) and
                (not code or e.country == code) and (not region_id or e.region == region_id)]
    elif what == "sources":
        rows = [{"id": s.id, "label": t(s.label), "url": s.url} for s in pack.sources.values()]
    elif what == "roles":
        rows = [{"id": r} for r in pack.roles]
    if as_json:
        import json
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        ident = row["id"]
        if what == "priorities":
            click.echo(f"{row['number']}  {ident:<12} {row['title']}")
        elif what == "actions":
            mark = " [national]" if row["kind"] == "national" else ""
            click.echo(f"{ident:<40} {row['text'][:70]}{mark}")
        elif what == "examples":
            # place names, then the country by name: a code is not a place
            from briefgen.countries import country_name  # Babel: only for this view
            country_label = country_name(row["country"], lang) if row["country"] else ""
            where = ", ".join(x for x in (*row["places"], country_label) if x) or "-"
            click.echo(f"{ident:<26} {row['priority']:<12} {where}")
        elif what == "roles":
            click.echo(ident)
        else:
            click.echo(f"{ident:<24} {row['url']}")


@main.command(epilog="""\b
Examples:
  briefgen check
  briefgen check --content my-pack --layout letter --lang es""")
@click.option("--content", type=click.Path(path_type=Path), help="Content pack folder.")
@click.option("--layout", default="default", help="Layout name or folder.")
@click.option("--lang", help="Also list every text without a translation into this language.")
@click.option("--brand", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Also check this brand file (and its logo and fonts).")
@verbosity
@handled
def check(content, layout, lang, brand):
    """Validate a content pack and a layout without rendering."""
    from briefgen.build import Workspace
    from briefgen.errors import ProblemsError
    from briefgen.selection import Profile
    ws = Workspace(content)
    pack = ws.pack
    brand_kit = ws.brand(Profile(), brand) if brand else None
    lay = ws.layout(layout, brand=brand_kit)
    # Compose (without rendering) each kind of document for a sample municipality, so
    # that template errors such as undefined variables show now, not in a campaign.
    if lang:
        ws.check_language(lang, lay)
    from briefgen.kinds import KINDS
    for sample in (Profile(municipality="Sample", all=True, lang=lang or "en"),
                   Profile(all=True, lang=lang or "en")):   # and the general edition
        for kind in KINDS.values():
            for options in kind.samples(pack):
                _, _, notes = ws.compose(kind.name, sample, lay, allow_fallback=True,
                                         brand=brand_kit, **options)
                if brand_kit is not None and kind.name == "brief" and sample.municipality:
                    _warn([n for n in notes
                           if n.code and n.code.startswith(("brand", "picture"))])
    ws.renderer(lay)  # fonts exist and load
    if lang:
        missing = pack.missing_translations(lang)
        if missing:
            raise ProblemsError(missing, f"{len(missing)} text(s) have no '{lang}' translation")
    _tell(f"ok: content pack {ws.content_dir} ({len(pack.priorities)} priorities, "
          f"{len(pack.actions)} actions, {len(pack.examples)} examples) and layout "
          f"'{lay.name}'" + (f" with brand {brand}" if brand else ""))


@main.command(epilog="""\b
Examples:
  briefgen schema pack              every field of a content pack, and the inline markup
  briefgen schema theme             every key of a layout's theme.yaml
  briefgen schema > reference.txt   all of them""")
@click.argument("name", required=False,
                type=click.Choice(["pack", "profile", "campaign", "layout", "theme", "markup"]))
def schema(name):
    """Print the reference of a file format: each field's type, default and meaning.

    NAME: pack (content pack files), profile (a municipality), campaign (a row),
    layout (layout.yaml), theme (theme.yaml), markup (inline markup of pack texts);
    none: all."""
    from briefgen.reference import reference
    click.echo(reference(name), nl=False)


@main.command(epilog="""\b
Examples:
  briefgen new my-pack
  briefgen check --content my-pack
  briefgen brief --all --content my-pack -o agenda.pdf""")
@click.argument("folder", metavar="PACKDIR", type=click.Path(file_okay=False, path_type=Path))
@handled
def new(folder):
    """Write a small, commented content pack on a placeholder topic to start from.

    Every command builds from it as written; change it a field at a time and run
    `briefgen check --content PACKDIR` (`briefgen schema pack` lists every field)."""
    from briefgen.newpack import write_new_pack
    for path in write_new_pack(folder):
        click.echo(f"wrote {path}", err=True)


@main.command(epilog="""\b
Examples:
  briefgen campaign towns.xlsx --out output/towns
  briefgen campaign towns.xlsx --sheet Spain --brand _brand.yml
  briefgen campaign towns.csv --out output/towns
  briefgen campaign towns.yaml --check
  briefgen campaign towns.csv --jobs 4 --packet --quiet
  briefgen campaign towns.csv --scheduler tcp://10.0.0.5:8786""")
@click.argument("file", metavar="FILE.xlsx|FILE.csv|FILE.yaml",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDFs and manifest (default: output/<FILE name>).")
@click.option("--jobs", type=click.IntRange(min=1),
              help="Worker processes (default: one per CPU; 1 builds in this process).")
@click.option("--force", is_flag=True, help="Rebuild every row, even unchanged ones.")
@click.option("--check", "check_only", is_flag=True,
              help="Validate every row and list all problems; build nothing.")
@click.option("--packet", is_flag=True,
              help="Also merge every brief into packet.pdf, a bookmark each.")
@click.option("--content", type=click.Path(path_type=Path),
              help="Content pack folder (default: the built-in pack).")
@click.option("--allow-fallback", is_flag=True,
              help="Use English where a translation is missing (listed per row).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Build on this Dask cluster (tcp://host:8786) instead of local processes; "
                   "needs briefgen[dask].")
@click.option("--brand", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Brand file for every row without a 'brand' column of its own.")
@click.option("--sheet", metavar="NAME", help="The worksheet of an .xlsx file (default: the "
                                              "first).")
@open_option
@verbosity
@handled
def campaign(file, out_dir, jobs, force, check_only, packet, content, allow_fallback,
             scheduler, brand, sheet, open_after):
    """Build briefs and factsheets for every municipality of a spreadsheet (.xlsx or CSV)
    or a YAML file.

    Exit 0 when every row was built or skipped, 1 when some rows failed, 2 when the file
    itself cannot be used."""
    from briefgen.campaign import ConsoleProgress, run_campaign
    result = run_campaign(file, out_dir or Path("output") / file.stem, jobs=jobs, force=force,
                          check_only=check_only, packet=packet, content=content,
                          allow_fallback=allow_fallback, scheduler=scheduler, brand=brand,
                          sheet=sheet,
                          progress=ConsoleProgress(sys.stderr, quiet=_VERBOSITY < 0))
    _open(result.out_dir, open_after and not check_only)
    if not result.ok:
        sys.exit(1)


@main.command(epilog="""\b
Examples:
  briefgen serve                      then open http://127.0.0.1:8000/
  briefgen serve --open --data ~/briefs-web
  briefgen serve --host 0.0.0.0 --port 8080   (prints the address with its access token)""")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any other than this computer needs the access "
                   "token on every request.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for uploads and builds (default: ~/.local/share/briefgen/serve).")
@click.option("--token", envvar="BRIEFGEN_TOKEN",
              help="Access token (at least 16 characters; default: a new one when --host is "
                   "not this computer). Also read from BRIEFGEN_TOKEN.")
@click.option("--jobs", type=click.IntRange(min=1),
              help="Worker processes for previews and campaigns (default: one per CPU).")
@verbosity
@handled
def serve(host, port, open_browser, data, token, jobs):
    """Start the web page: briefs with a live preview, and campaigns from a spreadsheet."""
    from briefgen.web.server import serve as run_server
    run_server(host, port, data=data, token=token, open_browser=open_browser, jobs=jobs,
               echo=lambda line: click.echo(line, err=True))


@main.command(epilog="""\b
Examples:
  briefgen preview output/malmo-brief.pdf --png thumbs/
  briefgen preview examples/malmo.yaml --png thumbs/ --width 400""")
@click.argument("source", metavar="FILE.pdf|PROFILE.yaml",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--png", "png_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the thumbnails: page-01.png, page-02.png, ...")
@click.option("--width", default=200, show_default=True, type=click.IntRange(16, 4000),
              help="Width of each thumbnail in pixels.")
@open_option
@verbosity
@handled
def preview(source, png_dir, width, open_after):
    """Page thumbnails (PNG) of a PDF, or of the brief a profile makes."""
    from briefgen.errors import BriefgenError
    from briefgen.output import write_atomic
    from briefgen.thumbnails import thumbnails
    if source.suffix.lower() == ".pdf":
        try:
            pdf = source.read_bytes()
        except OSError as exc:
            raise BriefgenError(f"cannot read {source}: {exc.strerror}",
                                code="file.unreadable") from None
    else:
        from briefgen.build import Workspace
        profile = make_profile(source)
        built = Workspace().build("brief", profile)
        _warn(built.warnings)
        pdf = built.pdf
    images = thumbnails(pdf, width)
    for old in png_dir.glob("page-*.png") if png_dir.is_dir() else ():
        old.unlink()
    for i, png in enumerate(images, 1):
        write_atomic(png_dir / f"page-{i:02d}.png", png)
    _tell(f"wrote {len(images)} thumbnail{'s' * (len(images) != 1)} to {png_dir}")
    _open(png_dir, open_after)


@main.command()
@verbosity
def version():
    """Print briefgen's version (with -v, also its main libraries')."""
    click.echo(f"briefgen {__version__}")
    if _VERBOSITY > 0:
        import platform
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as dist_version
        click.echo(f"Python {platform.python_version()}")
        for name in ("reportlab", "pypdf", "jinja2", "pillow", "svglib", "openpyxl", "babel"):
            try:
                click.echo(f"{name} {dist_version(name)}")
            except PackageNotFoundError:
                click.echo(f"{name} (not installed)")


@main.command(epilog="""\b
Examples:
  briefgen completion bash > ~/.local/share/bash-completion/completions/briefgen
  briefgen completion zsh > "${fpath[1]}/_briefgen"
  briefgen completion fish > ~/.config/fish/completions/briefgen.fish""")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@verbosity
def completion(shell):
    """Print the shell completion script for bash, zsh or fish."""
    from click.shell_completion import get_completion_class
    cls = get_completion_class(shell)
    click.echo(cls(main, {}, "briefgen", "_BRIEFGEN_COMPLETE").source())


if _COLLECTING:
    gc.enable()

if __name__ == "__main__":  # pragma: no cover
    main()
