"""app.css: the level colours stay legible, nothing loads from the network, and every class the macros use exists."""

from __future__ import annotations

import re

import pytest


@pytest.fixture(scope="module")
def rules(static_dir) -> str:
    """The stylesheet without its comments."""
    css = (static_dir / "css" / "app.css").read_text(encoding="utf-8")
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def colour(rules: str, name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-f]{{6}})\s*;", rules).group(1)


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("level", range(6))
def test_each_level_colour_passes_wcag_aa_with_its_label(rules, level):
    assert contrast(colour(rules, f"level-{level}"), colour(rules, f"level-{level}-ink")) >= 4.5


def test_the_level_scale_runs_from_light_to_dark(rules):
    """A sequential scale: colour-blind readers can still order the levels by lightness."""
    fills = [luminance(colour(rules, f"level-{n}")) for n in range(6)]
    assert fills == sorted(fills, reverse=True)


@pytest.mark.parametrize("n", range(1, 9))
def test_chart_series_colours_stand_out_from_the_white_background(rules, n):
    assert contrast(colour(rules, f"series-{n}"), "#ffffff") >= 3  # WCAG 1.4.11, graphical objects


def test_the_stylesheet_loads_nothing_from_the_network(rules):
    assert "@import" not in rules and "@font-face" not in rules
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", rules)


def test_every_class_the_templates_emit_is_styled(rules, gallery):
    """Catches a misspelt class in a macro; hooks that only carry meaning are listed here."""
    hooks = {"map-edge-grow"}
    used = {c for attr in re.findall(r'class="([^"]+)"', gallery) for c in attr.split()}
    unstyled = {c for c in used - hooks if not re.search(rf"\.{re.escape(c)}(?![\w-])", rules)}
    assert not unstyled


def test_print_hides_navigation_and_forms(rules):
    print_rules = rules[rules.index("@media print"):]
    hidden = print_rules[:print_rules.index("display: none")]
    for selector in (".sidebar", ".skip-link", "form", ".page-actions", ".btn"):
        assert selector in hidden
