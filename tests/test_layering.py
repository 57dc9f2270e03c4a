"""The architecture, checked on the source: each third-party library stays in its layer."""

from __future__ import annotations

import ast

from conftest import REPO

PKG = REPO / "briefgen"


def _imports(path) -> set[str]:
    """Absolute names of every module a file imports (relative imports resolved)."""
    module = ".".join(path.relative_to(REPO).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def _modules():
    files = sorted(PKG.rglob("*.py"))
    assert len(files) > 10
    return {str(p.relative_to(REPO)): _imports(p) for p in files}


def _importers(top: str) -> set[str]:
    return {f for f, names in _modules().items()
            if any(n == top or n.startswith(top + ".") for n in names)}


def test_only_cli_imports_click():
    assert _importers("click") == {"briefgen/cli.py"}


def test_only_jinja_imports_jinja2():
    assert _importers("jinja2") == {"briefgen/jinja.py"}


def test_only_render_imports_reportlab():
    users = _importers("reportlab")
    assert users, "nothing imports reportlab?"
    assert all(f.startswith("briefgen/render/") for f in users), users


def test_model_modules_do_not_import_the_renderer():
    modules = _modules()
    for name in ("content", "selection", "document", "inline", "theme"):
        names = modules[f"briefgen/{name}.py"]
        bad = {n for n in names if n == "briefgen.render" or n.startswith("briefgen.render.")}
        assert not bad, (name, bad)


def test_the_schema_machinery_imports_no_module_that_declares_a_schema():
    # schema.py sits under content, selection, campaign rows, layout and theme, which all
    # declare their fields with it; an import back up (even inside a function) makes a
    # cycle. The reference that gathers them lives in reference.py, above them all.
    names = _modules()["briefgen/schema.py"]
    declaring = {"briefgen.content", "briefgen.selection", "briefgen.campaign.rows",
                 "briefgen.layout", "briefgen.theme", "briefgen.kinds"}
    assert not {n for n in names if any(n == m or n.startswith(m + ".") for m in declaring)}
