"""The registry of document kinds: each kind is one module of this package.

A kind says how a `Composer` makes its document, whether it must fit one page (and then
what it may leave out to fit, in the order the theme's `fit.order` allows), which files it
makes in a campaign row, and how `briefgen check` tries it. The CLI, `check` and the
campaign's `outputs` read this registry, so a new kind is one new module registered here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from briefgen.errors import SelectionError


@dataclass(frozen=True)
class Kind:
    """A kind of document: how to compose it and whether it is one page."""

    name: str                      # "brief", "factsheet", "at-a-glance"
    doc: str                       # one line for help texts
    compose: Callable[..., Any]    # (composer, **options) -> Document
    output: str                    # the campaign 'outputs' word that asks for it
    output_doc: str                # what that output writes, for help and `briefgen schema`
    files: Callable[..., list]     # (pack, profile) -> [(file name, options)] of a campaign row
    samples: Callable[..., list]   # (pack) -> [options]: what `briefgen check` composes
    one_page: bool = False
    # (composer, options, fit policy) -> the smaller versions to try, in order, when the
    # document does not fit one page at the smallest type; each is a dict of options
    shrink: Callable[..., list] = field(default=lambda composer, options, fit: [])
    # what to tell the user when even the smallest version does not fit
    overflow_hint: str = "remove some -a/--action or -e/--example choices, or shorten the " \
                         "local context"


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in KINDS:
        raise ValueError(f"document kind '{kind.name}' is registered twice")
    if any(k.output == kind.output for k in KINDS.values()):
        raise ValueError(f"campaign output '{kind.output}' is registered twice")
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise SelectionError(f"unknown document kind '{name}'",
                             hint="kinds: " + ", ".join(KINDS), code="kind") from None


def outputs() -> dict[str, str]:
    """Campaign output word -> what it writes, in registry order."""
    return {k.output: k.output_doc for k in KINDS.values()}


def by_output(word: str) -> Kind:
    return next(k for k in KINDS.values() if k.output == word)


# The built-in kinds, in the order campaigns list their files.
from briefgen.kinds import brief, factsheet, overview  # noqa: E402,F401
