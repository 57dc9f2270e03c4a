"""Folder names for rows: readable ASCII, unique within a campaign, never outside DIR."""

from __future__ import annotations

from briefgen.names import MAX_SLUG, WINDOWS_RESERVED, slug


def row_slug(name: str, number: int) -> str:
    """A folder name that stays inside the output folder whatever the name says."""
    text = slug(name)
    if not text:
        return f"row-{number}"
    if text in WINDOWS_RESERVED:
        return f"{text}-row-{number}"
    return text


def unique_slugs(names: list[tuple[int, str]],
                 langs: dict[int, str] | None = None) -> dict[int, str]:
    """row number -> slug, unique within the campaign, decided in row order. A name met
    again in another language takes the language ('malmo', then 'malmo-es') before a
    number."""
    taken: set[str] = set()
    out: dict[int, str] = {}
    for number, name in names:
        base = row_slug(name, number)
        lang = (langs or {}).get(number, "en")
        if base in taken and lang != "en":
            base = row_slug(f"{name} {lang}", number)
        candidate, k = base, 2
        while candidate in taken:
            suffix = f"-{k}"
            candidate = base[:MAX_SLUG - len(suffix)].rstrip("-") + suffix
            k += 1
        taken.add(candidate)
        out[number] = candidate
    return out
