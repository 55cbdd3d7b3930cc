"""One date format on every page (issue 14 item 18)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from planner.loaders import PROJECT_ROOT
from planner.web.dates import day_text


def test_a_day_spells_its_month_so_no_locale_misreads_it():
    assert day_text(date(2026, 12, 4)) == "4 Dec 2026"
    assert day_text(datetime(2025, 3, 10, 23, 59, tzinfo=UTC)) == "10 Mar 2025"


def test_no_template_formats_a_date_its_own_way():
    """Dates on screen go through the `day` filter; ISO dates appear only in <time datetime="...">."""
    own_ways = []
    for path in sorted((PROJECT_ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        shown_iso = re.sub(r'datetime="\{\{ [^}]*\.isoformat\(\) \}\}"', "", text)
        if "strftime" in text or ".isoformat()" in shown_iso:
            own_ways.append(str(path.relative_to(PROJECT_ROOT)))
    assert own_ways == []
