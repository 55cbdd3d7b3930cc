"""The HTML workspaces: one blueprint per area, thin views over `planner.services.workspaces`.

* ``team``: a manager's team heatmap and assessment forms (HR may open any team);
* ``org``: HR's organisational stage and hiring plan (what-ifs, exports, print view);
* ``people``: the people list, searched and filtered, page by page (HR and managers);
* ``me``: anyone's own roadmap, history and self-assessment;
* ``rubric``: the skills matrix for everyone; upload and download for HR;
* ``maturity``: practice maturity on the AIMM and seven-level ladders, KPIs and the questionnaire;
* ``users``: HR's user administration: accounts, roles, deactivation and invitations;
* ``roster``: HR adds, edits, moves, archives, restores and erases people, and creates and renames teams;
* ``privacy``: anyone downloads what the planner holds about them;
* ``imports``: HR imports people from a CSV or JSON file, after a preview of what it changes.
"""

from __future__ import annotations

from flask import Flask

from planner.web.dates import day_text
from planner.web.pages import common, imports, maturity, me, org, people, privacy, roster, rubric, team, users

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    for blueprint in (team.bp, org.bp, people.bp, me.bp, rubric.bp, maturity.bp, users.bp, roster.bp, privacy.bp,
                      imports.bp):
        app.register_blueprint(blueprint)
    app.context_processor(common.navigation)
    app.jinja_env.globals["demo_sign_ins"] = common.demo_sign_ins
    app.jinja_env.filters["day"] = day_text
