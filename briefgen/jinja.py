"""The Jinja2 environment a layout's templates run in: sandboxed, strict, autoescaping.

Only this module imports Jinja2, and only when a template has to be rendered: a process
that finds every template's markup in the cache folder (see `layout.Templates`) never
imports it, about 27 ms of a ~220 ms `briefgen brief` process.

Each template's source gets line marks before Jinja compiles it, so that an error in the
rendered markup names the template's own line; compiled templates are kept between
processes in the cache folder (Jinja's bytecode cache).
"""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefgen.diagnostics import Location
from briefgen.errors import LayoutError


def environment(dirs: list[Path], confined) -> ImmutableSandboxedEnvironment:
    """The environment for a layout whose folders are `dirs` (the layout first, then what
    it extends); `confined(path, folder, what)` refuses a template outside its folder.

    The markup a template rendered is kept for the same context (layout.Templates), so
    rendering must be a function of the template and the context alone: the sandbox is
    the immutable one (a template cannot change a list or mapping it was given, which a
    later template would see on a cold build and not after a kept one), and Jinja's
    `random` filter and `lipsum` function are left out."""
    env = ImmutableSandboxedEnvironment(
        loader=_ConfinedLoader([str(p / "templates") for p in dirs], confined),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=False, bytecode_cache=_bytecode_cache(),
        extensions=[_LineMarks])
    env.filters.pop("random", None)
    env.globals.pop("lipsum", None)
    return env


def template(env: ImmutableSandboxedEnvironment, dirs: list[Path],
             name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        looked = ", ".join(str(p / "templates" / name) for p in dirs)
        raise LayoutError(f"template not found: {name} (looked in {looked})",
                          hint="add the template or remove the section from layout.yaml",
                          code="template.missing") from None
    except jinja2.TemplateSyntaxError as exc:
        raise LayoutError(f"template syntax error: {exc.message}",
                          Location(exc.filename or name, exc.lineno),
                          code="template.syntax") from None


def render(tpl: jinja2.Template, context: dict[str, Any]) -> str:
    """The template's markup for `context`; any error in it as a LayoutError that names
    the template's file and line."""
    try:
        return tpl.render(context)
    except jinja2.UndefinedError as exc:
        raise LayoutError(f"template error: {exc.message}", _template_location(exc, tpl),
                          hint="use only the template variables of "
                               "Composer.context (briefgen/compose.py)",
                          code="template.undefined") from None
    except (KeyError, IndexError, ValueError) as exc:  # label.format() without a value
        raise LayoutError(f"template error: a label placeholder has no value ({exc})",
                          _template_location(exc, tpl), code="template.error") from None
    except jinja2.exceptions.SecurityError as exc:
        raise LayoutError(f"template tried an unsafe operation: {exc}",
                          _template_location(exc, tpl), code="template.sandbox") from None
    except jinja2.TemplateError as exc:
        raise LayoutError(f"template error: {exc}", _template_location(exc, tpl),
                          code="template.error") from None


def _template_location(exc: BaseException, tpl: jinja2.Template) -> Location:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and frame.filename.endswith(".j2"):
            return Location(frame.filename, frame.lineno)
    return Location(tpl.filename or tpl.name)


# --------------------------------------------------------------------------- line marks


_BLOCK_LINE = re.compile(r"^[ \t]*\{[%#]")


def mark_lines(source: str) -> str:
    """The template with `<?L n?>` at the start of each line of markup, so that a markup error
    found in the *rendered* text names the template's own line (comments, loops and
    conditionals make the two drift apart). Lines that start with a Jinja tag or comment get
    no mark, so lstrip_blocks and trim_blocks work as before; nothing is marked inside a
    Jinja tag, expression or comment, nor inside an HTML tag that spans lines."""
    out = []
    jinja = None          # the closer we wait for: "%}", "}}", "#}"
    in_tag = False
    for n, line in enumerate(source.split("\n"), 1):
        if jinja is None and not in_tag and not _BLOCK_LINE.match(line):
            out.append(f"<?L{n}?>")
        i = 0
        while i < len(line):
            two = line[i:i + 2]
            if jinja is not None:
                if two == jinja:
                    jinja, i = None, i + 2
                    continue
            elif two in ("{%", "{{", "{#"):
                jinja, i = {"{%": "%}", "{{": "}}", "{#": "#}"}[two], i + 2
                continue
            elif line[i] == "<":
                in_tag = True
            elif line[i] == ">":
                in_tag = False
            i += 1
        out.append(line)
        out.append("\n")
    return "".join(out[:-1])


class _LineMarks(jinja2.ext.Extension):
    def preprocess(self, source, name, filename=None):
        return mark_lines(source) if name and name.endswith(".html.j2") else source


# --------------------------------------------------------------------------- loading


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Templates from each layout's templates/ folder, and only from there."""

    def __init__(self, searchpath: list[str], confined):
        super().__init__(searchpath)
        self._confined = confined

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        for root in self.searchpath:  # the folder FileSystemLoader found it in
            if filename.startswith(os.path.join(root, "")):
                self._confined(Path(filename), Path(root).parent, "template")
                break
        return source, filename, uptodate


class _SafeBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between processes; any trouble means compiling again."""

    def load_bytecode(self, bucket):
        try:
            super().load_bytecode(bucket)
        except Exception:  # a truncated or corrupt file
            bucket.reset()

    def dump_bytecode(self, bucket):
        try:
            super().dump_bytecode(bucket)
        except Exception:  # an unwritable folder
            pass


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja checks each template's source checksum; the folder is per briefgen source,
    since the environment's options shape the compiled code but are not in Jinja's key."""
    from briefgen import cache
    root = cache.folder()
    if root is None:
        return None
    path = root / "jinja" / cache.code_fingerprint()[:24]
    try:
        cache.ensure_folder(path)
        os.utime(path)
        cache.prune(path.parent, 4)  # the folders of older briefgen sources
    except OSError:
        return None
    if hasattr(os, "geteuid") and (path.stat().st_uid != os.geteuid()
                                   or path.stat().st_mode & 0o022):
        return None  # compiled code from a folder others may write: never load it
    return _SafeBytecodeCache(str(path))
