"""Where the built-in content pack, layouts and fonts are.

In a wheel they live in briefgen/_data/; in a source checkout, beside the package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def builtin(name: str) -> Path:
    packaged = PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / name


def content_dir() -> Path:
    return builtin("content")


def layouts_dir() -> Path:
    return builtin("layouts")


def fonts_dir() -> Path:
    return builtin("fonts")
