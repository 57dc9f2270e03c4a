"""The one error tree. Library code raises these; only the CLI turns them into exit codes."""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.diagnostics import Diagnostic, Location


class BriefgenError(Exception):
    """Bad input of any kind: the user can fix it. Exit code 2."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None, *,
                 hint: str | None = None, code: str | None = None):
        self.diagnostic = Diagnostic(message, location, code=code, hint=hint)
        super().__init__(str(self.diagnostic))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [self.diagnostic]


class ProblemsError(BriefgenError):
    """Several problems collected before failing once (content pack, campaign --check)."""

    def __init__(self, diagnostics: Iterable[Diagnostic], summary: str):
        self._diagnostics = list(diagnostics)
        self.summary = summary
        Exception.__init__(self, "\n".join(str(d) for d in self._diagnostics))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self._diagnostics


class ContentError(BriefgenError):
    """The content pack is unusable."""


class SelectionError(BriefgenError):
    """A profile, flag or row asks for something the pack does not have."""


class LayoutError(BriefgenError):
    """A layout, theme, template or font is missing or broken."""


class RenderError(BriefgenError):
    """The content cannot be laid out as asked (e.g. a factsheet that cannot fit one page)."""


class OutputError(BriefgenError):
    """The output cannot be written."""
