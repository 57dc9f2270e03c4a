"""The registry of document kinds: name -> how a Composer makes that document."""

from __future__ import annotations

from briefgen.compose import Composer


def _brief(composer: Composer, **_):
    return composer.brief()


def _factsheet(composer: Composer, priority: str = "", **_):
    return composer.factsheet(priority)


def _at_a_glance(composer: Composer, **_):
    return composer.at_a_glance()


KINDS = {"brief": _brief, "factsheet": _factsheet, "at-a-glance": _at_a_glance}
