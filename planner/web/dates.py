"""One way to show a day on every page: "4 Dec 2026", unambiguous in any locale.

Numeric dates read differently across locales (04/12 is April or December), so
pages spell the month; a ``<time datetime="...">`` around it carries the ISO form
for machines, and date inputs use the browser's own locale.
"""

from __future__ import annotations

from datetime import date

__all__ = ["day_text"]


def day_text(value: date) -> str:
    """A date (or datetime) as "4 Dec 2026"."""
    return f"{value.day} {value:%b %Y}"
