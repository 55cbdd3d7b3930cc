"""axe-core on every page each role opens: no serious or critical accessibility violation.

axe-core comes from npm (tests/node, `npm ci --prefix tests/node`); Playwright adds it as an init
script, which the page's Content-Security-Policy does not apply to, so the pages keep their CSP.
Checked in the light and the dark colour scheme, since the stylesheet follows prefers-color-scheme.
"""

from __future__ import annotations

import pytest

from planner.loaders import PROJECT_ROOT

from .conftest import DESKTOP, REQUIRE_BROWSER, WORKSPACES

AXE = PROJECT_ROOT / "tests" / "node" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def axe_page(browser, live_server, new_page):
    if not AXE.exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"{AXE} is missing: run npm ci --prefix tests/node", pytrace=False)
        pytest.skip("axe-core is not installed: npm ci --prefix tests/node")

    def open_page(color_scheme: str):
        page = new_page(DESKTOP)
        page.emulate_media(color_scheme=color_scheme)
        page.context.add_init_script(path=str(AXE))
        return page

    return open_page


def _violations(page) -> list[str]:
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in found if v["impact"] in BLOCKING]


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("role", sorted(WORKSPACES))
def test_no_page_has_a_serious_or_critical_accessibility_violation(axe_page, sign_in, role, color_scheme):
    page = axe_page(color_scheme)
    problems = {"/login": _violations(page.goto("/login") and page)}
    sign_in(role, page)
    for path in WORKSPACES[role]:
        page.goto(path)
        problems[path] = _violations(page)
    assert {path: found for path, found in problems.items() if found} == {}
