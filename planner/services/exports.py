"""Files people take away (the hiring plan, the rubric), each written to the audit log.

An export carries data out of the app's access control, so every one is
recorded with who took what, under the same scoping as the pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from planner.db import repository
from planner.domain.sequencing import HypotheticalHire
from planner.loaders import rubric_source
from planner.reports import plan_csv, plan_markdown
from planner.services.access import Scope
from planner.services.transactions import writing
from planner.services.workspaces import hiring_plan, rubric_in_use

__all__ = ["PLAN_FORMATS", "Export", "export_plan", "export_rubric"]

#: Plan export formats: (media type, renderer).
PLAN_FORMATS = {
    "csv": ("text/csv; charset=utf-8", plan_csv),
    "md": ("text/markdown; charset=utf-8", plan_markdown),
}


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    mimetype: str
    content: str


def _audit(session: Session, scope: Scope, what: str, details: dict) -> None:
    with writing(session, changes_data=False):  # an export is a read: it leaves the caches alone
        repository.add_audit(session, actor=scope.actor.label, actor_user_id=scope.account_id,
                             organisation_id=scope.organisation_id, action=f"export.{what}", entity=what,
                             details=details)


def export_plan(session: Session, scope: Scope, fmt: str, *, target_stage: int | None = None,
                per_quarter: int | None = None, hires: Sequence[HypotheticalHire] = (),
                promotions: Sequence[tuple[str, int]] = ()) -> Export:
    """The hiring plan (HR only) as CSV or Markdown, with any what-ifs applied, audited."""
    mimetype, render = PLAN_FORMATS[fmt]
    plan = hiring_plan(session, scope, target_stage=target_stage, per_quarter=per_quarter, hires=hires,
                       promotions=promotions).plan
    what_if = "-what-if" if hires or promotions else ""
    filename = f"hiring-plan-stage-{plan.target_stage.number}{what_if}.{fmt}"
    _audit(session, scope, "plan", {
        "format": fmt, "target_stage": plan.target_stage.number, "per_quarter": per_quarter,
        "hires": [{"level": h.level, "domains": list(h.domains)} for h in hires],
        "promotions": [{"employee_id": e, "level": lv} for e, lv in promotions],
    })
    return Export(filename, mimetype, render(plan))


def export_rubric(session: Session, scope: Scope) -> Export:
    """The organisation's active rubric as TOML, to edit and upload again (HR only), audited."""
    scope.require_role("hr")
    label = rubric_in_use(session, scope).label
    stored = repository.active_rubric_version(session, organisation_id=scope.organisation_id)
    text = stored[2] if stored else rubric_source()
    _audit(session, scope, "rubric", {"label": label, "version_id": stored[0] if stored else None})
    return Export(f"rubric-{re.sub(r'[^A-Za-z0-9.]+', '-', label).strip('-')}.toml",
                  "application/toml; charset=utf-8", text)
