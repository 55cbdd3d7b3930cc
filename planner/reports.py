"""Shape domain results for people and programs: JSON-ready dicts, tables, Markdown, CSV.

The CLI, the API and the web pages all call these, so the same question always
gets an answer of the same shape.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from planner.domain.model import DOMAINS, EFFORT_UNIT, LEVELS, MAX_LEVEL, Person, Rubric, StageSpec
from planner.domain.scoring import PersonScore
from planner.domain.sequencing import HiringPlan
from planner.domain.staging import Finding, OrgAssessment, TeamStage, team_stages

if TYPE_CHECKING:  # annotations only: importing careers at run time would load networkx for every report
    from planner.domain.careers import Roadmap

__all__ = [
    "assessment_dict",
    "assessment_markdown",
    "assessment_table",
    "comparison_dict",
    "comparison_table",
    "csv_safe",
    "plan_csv",
    "plan_dict",
    "plan_markdown",
    "roadmap_dict",
    "roadmap_markdown",
    "score_dict",
    "score_dicts",
    "stage_dict",
    "write_csv",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Neutralise a cell a spreadsheet would run as a formula (prefix it with a quote)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    # CRLF as RFC 4180 says: the writer then quotes any cell holding a lone CR, so no row can split.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def stage_dict(stage: StageSpec) -> dict[str, Any]:
    return {"number": stage.number, "name": stage.name}


def _findings(findings: Iterable[Finding]) -> list[dict[str, str]]:
    return [{"code": f.code, "message": f.message} for f in findings]


def _team_dict(team: TeamStage) -> dict[str, Any]:
    return {
        "team": team.team,
        "headcount": team.headcount,
        "total_headcount": team.total_headcount,
        "stage": stage_dict(team.stage),
        "possible_stage": stage_dict(team.possible_stage),
        "blocked_by": team.blockers_text(),
    }


def assessment_dict(assessment: OrgAssessment, *, employees: bool = True) -> dict[str, Any]:
    """The answer to "where does this organisation stand?" (the CLI's `assess --format json`).

    `headcount`, `level_counts` and `domain_coverage` count the AI workforce the gates read;
    `total_headcount` counts everyone. With `employees`, the answer also lists each person
    and each team's own stage.
    """
    rubric = assessment.rubric
    gate = assessment.next_gate
    result: dict[str, Any] = {
        "rubric": {"name": rubric.name, "version": rubric.version},
        "headcount": assessment.headcount,
        "total_headcount": assessment.total_headcount,
        "stage": {**stage_dict(assessment.stage), "summary": assessment.stage.summary},
        "possible_stage": stage_dict(assessment.possible_stage),
        "unassessed_domains": list(assessment.unassessed_domains),
        "next_stage": None if gate is None else {
            **stage_dict(gate.stage),
            "blockers": [s.message for s in gate.shortfalls],
        },
        "blocked_by": assessment.blockers_text(),
        "level_counts": {str(level): assessment.level_counts[level] for level in LEVELS},
        "operationalization_gap": assessment.operationalization_gap,
        "warnings": _findings(assessment.warnings),
        "gates": [
            {
                **stage_dict(g.stage),
                "met": g.met,
                "shortfalls": [
                    {
                        "level": s.requirement.level,
                        "domain": s.requirement.domain,
                        "needed": s.needed,
                        "have": s.have,
                        "certain": s.certain,
                        "message": s.message,
                    }
                    for s in g.shortfalls
                ],
            }
            for g in assessment.gates
        ],
        "domain_coverage": {
            domain: {str(level): counts[level - 1] for level in range(1, MAX_LEVEL + 1)}
            for domain, counts in assessment.coverage.items()
        },
    }
    if employees:
        result["employees"] = score_dicts(assessment.scores, rubric)
        result["teams"] = [_team_dict(t) for t in team_stages(assessment)]
    return result


def comparison_dict(assessments: Sequence[OrgAssessment]) -> dict[str, Any]:
    """The same organisation placed under several rubrics, side by side (`planner compare --format json`)."""
    return {
        "headcount": assessments[0].headcount if assessments else 0,
        "rubrics": [
            {
                "rubric": {"name": a.rubric.name, "version": a.rubric.version},
                "stage": stage_dict(a.stage),
                "blocked_by": a.blockers_text(),
                "level_counts": {str(level): a.level_counts[level] for level in LEVELS},
            }
            for a in assessments
        ],
    }


def comparison_table(assessments: Sequence[OrgAssessment]) -> str:
    """`comparison_dict` for a terminal: a row per rubric, then what blocks each one's next stage."""
    rows = [[f"{a.rubric.name} {a.rubric.version}", f"{a.stage.number} {a.stage.name}",
             *(a.at_least(level) for level in range(1, MAX_LEVEL + 1))] for a in assessments]
    out = [_table(["rubric", "stage", *(f"L{lv}+" for lv in range(1, MAX_LEVEL + 1))], rows), ""]
    out += [f"{a.rubric.version}: {a.blockers_text()}" for a in assessments]
    return "\n".join(out) + "\n"


def score_dict(score: PersonScore, rubric: Rubric) -> dict[str, Any]:
    """One person, their level and what the next level takes (an entry of `assess --format json`)."""
    return {**_person_part(score), **_profile_part(score, rubric)}


def score_dicts(scores: Iterable[PersonScore], rubric: Rubric) -> list[dict[str, Any]]:
    """`score_dict` for many people, building the part that depends only on the profile once per profile.

    People with the same levels share that part's (read-only) values: a large organisation
    has far fewer distinct profiles than people.
    """
    shared: dict[tuple[int | None, ...], dict[str, Any]] = {}
    entries = []
    for score in scores:
        levels = score.person.profile.levels
        part = shared.get(levels)
        if part is None:
            part = shared[levels] = _profile_part(score, rubric)
        entries.append({**_person_part(score), **part})
    return entries


def _person_part(score: PersonScore) -> dict[str, Any]:
    person = score.person
    return {"employee_id": person.employee_id, "name": person.name, "team": person.team, "track": person.track}


def _profile_part(score: PersonScore, rubric: Rubric) -> dict[str, Any]:
    return {
        "level": score.level,
        "level_title": rubric.level_title(score.level),
        "domains": score.person.profile.as_dict(),
        "not_assessed": list(score.not_assessed),
        "next_level_gaps": dict(score.next_level_gaps),
        "leads_at": score.leads_at or None,
    }


def plan_dict(plan: HiringPlan) -> dict[str, Any]:
    """The answer to "whom do we hire or develop, in what order?" (`plan --format json`)."""
    return {
        "current_stage": stage_dict(plan.current_stage),
        "target_stage": stage_dict(plan.target_stage),
        "projected_stage": stage_dict(plan.projected_stage),
        "per_quarter": plan.per_quarter,
        "total_hires": plan.total_hires,
        "total_promotions": plan.total_promotions,
        "quarters": plan.quarters,
        "phases": [
            {
                "phase": n,
                "level": p.level,
                "title": p.title,
                "builds": p.builds,
                "critical": p.critical,
                "needed": p.needed,
                "have": p.have,
                "hires": p.hires,
                "promotions": [pr.employee_id for pr in p.promotions],
                "promotion_details": [
                    {
                        "employee_id": pr.employee_id,
                        "name": pr.name,
                        "from_level": pr.from_level,
                        "to_level": pr.to_level,
                        "domain_deltas": dict(pr.deltas),
                        "effort": pr.effort,
                        "start_quarter": pr.start_quarter,
                        "ready_quarter": pr.ready_quarter,
                        "grown_in_plan": pr.grown_in_plan,
                    }
                    for pr in p.promotions
                ],
                "focus_domains": list(p.focus_domains),
                "conditional_domains": list(p.conditional_domains),
                "rationale": p.rationale,
                "quarter": p.quarter,
                "end_quarter": p.end_quarter,
                "hires_from": p.hires_from,
                "hires_until": p.hires_until,
            }
            for n, p in enumerate(plan.phases, 1)
        ],
        "assess_first": list(plan.assess_first),
        "warnings": _findings(plan.warnings),
    }


def roadmap_dict(person: Person, roadmap: Roadmap) -> dict[str, Any]:
    """A person's route to their target level (`roadmap --format json`)."""
    return {
        "employee_id": person.employee_id,
        "name": person.name,
        "track": roadmap.track,
        "current_level": roadmap.current_level,
        "target_level": roadmap.target_level,
        "target_track": roadmap.target_track,
        "literacy_level": roadmap.literacy_level,
        "total_effort": roadmap.total_effort,
        "effort_unit": EFFORT_UNIT,
        "quarters": roadmap.quarters,
        "steps": [
            {
                "from": {"track": s.source[0], "level": s.source[1]},
                "to": {"track": s.target[0], "level": s.target[1]},
                "kind": s.kind,
                "key_move": s.key_move,
                "effort": s.effort,
                "quarters": s.quarters,
                "domain_deltas": dict(s.deltas),
            }
            for s in roadmap.steps
        ],
    }


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], markdown: bool = False) -> str:
    """Align columns for a terminal, or lay them out as a Markdown table."""
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    if markdown:
        def fmt(row: Sequence[str]) -> str:
            return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |"
        rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    else:
        def fmt(row: Sequence[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
        rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(cells[0]), rule, *map(fmt, cells[1:])])


def _gaps_text(gaps: dict[str, int]) -> str:
    return ", ".join(f"{d} +{n}" for d, n in gaps.items()) or "-"


def _team_name(team: str) -> str:
    return team or "(no team)"


def _assessment_report(assessment: OrgAssessment, markdown: bool, people: bool) -> str:
    rubric = assessment.rubric
    heading, bullet = ("## ", "- ") if markdown else ("", "  - ")
    stage = assessment.stage
    first = f"Stage {stage.number} of {rubric.max_stage}: {stage.name}"
    size = (f"{assessment.headcount} people in the AI workforce, {assessment.total_headcount} in all, "
            f"rubric {rubric.version}")
    out = [f"# {first}", "", size, ""] if markdown else [f"{first}  ({size})"]
    out += [assessment.blockers_text(), ""]
    if assessment.warnings:
        out += [f"{heading}Findings", "" if markdown else None, *(f"{bullet}{w.message}" for w in assessment.warnings), ""]
    out += [f"{heading}Levels", "" if markdown else None, _table(
        ["level", "title", "workforce", "everyone"],
        [[f"L{lv}", rubric.level_title(lv), assessment.level_counts[lv], assessment.total_level_counts[lv]]
         for lv in LEVELS], markdown,
    ), ""]
    out += [f"{heading}Domain coverage (AI workforce at or above each level)", "" if markdown else None, _table(
        ["domain", *(f"L{lv}+" for lv in range(1, MAX_LEVEL + 1))],
        [[rubric.domain(d).name, *assessment.coverage[d]] for d in DOMAINS], markdown,
    ), ""]
    out += [f"{heading}Teams", "" if markdown else None, _table(
        ["team", "workforce", "everyone", "stage", "could be", "blocked by"],
        [[_team_name(t.team), t.headcount, t.total_headcount, f"{t.stage.number} {t.stage.name}",
          f"{t.possible_stage.number} {t.possible_stage.name}", t.blockers_text()]
         for t in team_stages(assessment)], markdown,
    ), ""]
    if not people:  # a row per person runs to thousands of lines for a large organisation
        count = len(assessment.scores)
        out += [f"{heading}People", "" if markdown else None,
                f"{count} {'person' if count == 1 else 'people'} scored: list each with --people."]
    else:
        out += [f"{heading}People", "" if markdown else None, _table(
            ["id", "name", "team", "level", "to reach next level"],
            [[s.person.employee_id, s.person.name, s.person.team,
              f"L{s.level}" + (f" (leads at L{s.leads_at})" if s.leads_at else ""), _gaps_text(dict(s.next_level_gaps))]
             for s in assessment.scores], markdown,
        )]
    return "\n".join(line for line in out if line is not None) + "\n"


def assessment_table(assessment: OrgAssessment, *, people: bool = False) -> str:
    """A terminal report: stage, blockers, findings, level mix, coverage, teams, then people (a count, or a row each)."""
    return _assessment_report(assessment, markdown=False, people=people)


def assessment_markdown(assessment: OrgAssessment, *, people: bool = False) -> str:
    """The terminal report as Markdown (`assess --format md`)."""
    return _assessment_report(assessment, markdown=True, people=people)


def _quarters(start: int | None, end: int | None) -> str:
    if start is None:
        return "-"
    return f"Q{start}" if start == end else f"Q{start}-Q{end}"


def plan_markdown(plan: HiringPlan) -> str:
    out = [
        f"# Hiring plan: stage {plan.current_stage.number} ({plan.current_stage.name}) "
        f"to stage {plan.target_stage.number} ({plan.target_stage.name})",
        "",
        f"{plan.total_hires} external hire{'s' if plan.total_hires != 1 else ''}, "
        f"{plan.total_promotions} internal promotion{'s' if plan.total_promotions != 1 else ''}"
        + (f", over {plan.quarters} quarter{'s' if plan.quarters != 1 else ''}" if plan.quarters else "")
        + (f" at up to {plan.per_quarter} hire{'s' if plan.per_quarter != 1 else ''} a quarter" if plan.per_quarter else "")
        + f". Projected stage: {plan.projected_stage.number} ({plan.projected_stage.name}).",
        "",
    ]
    if plan.warnings:
        out += ["## Warnings", "", *(f"- **{w.code}**: {w.message}" for w in plan.warnings), ""]
    if plan.assess_first:
        out += ["## Assess first", "", "Blank cells in these domains leave the target stage undecided, so hires for them are conditional: "
                + ", ".join(plan.assess_first) + ".", ""]
    out += ["## Phases", "", _table(
        ["phase", "level", "title", "critical", "hires", "promotions", "focus domains", "quarters"],
        [[n, f"L{p.level}", p.title, "yes" if p.critical else "", p.hires, len(p.promotions),
          ", ".join(p.focus_domains), _quarters(p.quarter, p.end_quarter)] for n, p in enumerate(plan.phases, 1)],
        markdown=True,
    ), ""]
    for n, p in enumerate(plan.phases, 1):
        out += [f"### Phase {n}: L{p.level} {p.title}{' (critical)' if p.critical else ''}", "", p.rationale, ""]
        if p.promotions:
            out += ["Develop from within:", ""]
            out += [f"- {pr.name} ({pr.employee_id}), L{pr.from_level} to L{pr.to_level}, "
                    f"{_quarters(pr.start_quarter, pr.ready_quarter)}: {_gaps_text(dict(pr.deltas))} "
                    f"(effort {pr.effort} {EFFORT_UNIT})" for pr in p.promotions]
            out.append("")
    return "\n".join(out)


def plan_csv(plan: HiringPlan) -> str:
    return write_csv(
        ["phase", "level", "title", "critical", "hires", "promotions", "focus_domains", "quarter", "end_quarter",
         "rationale"],
        [[n, p.level, p.title, str(p.critical).lower(), p.hires, ";".join(pr.employee_id for pr in p.promotions),
          ";".join(p.focus_domains), p.quarter or "", p.end_quarter or "", p.rationale]
         for n, p in enumerate(plan.phases, 1)],
    )


def roadmap_markdown(person: Person, roadmap: Roadmap, level_title) -> str:
    out = [
        f"# Roadmap for {person.name} ({person.employee_id})",
        "",
        f"Now L{roadmap.current_level} {level_title(roadmap.current_level)} on the {roadmap.track} track; "
        f"target L{roadmap.target_level} {level_title(roadmap.target_level)}"
        + (f" on the {roadmap.target_track} track" if roadmap.target_track != roadmap.track else "")
        + (f", literate in L{roadmap.literacy_level} {level_title(roadmap.literacy_level)} without practising it"
           if roadmap.literacy_level else "")
        + f". Total effort {roadmap.total_effort} {EFFORT_UNIT} (one level in one domain of ordinary difficulty), "
        f"about {roadmap.quarters} quarter{'s' if roadmap.quarters != 1 else ''} of development.",
        "",
    ]
    if not roadmap.steps:
        return "\n".join(out + ["Already there: no steps needed.", ""])
    out.append(_table(
        ["step", "from", "to", "grow", f"effort ({EFFORT_UNIT})", "quarters"],
        [[n, f"{s.source[0]} L{s.source[1]}", f"{s.target[0]} L{s.target[1]}" + (
            " (key move)" if s.key_move else " (literacy)" if s.kind == "literacy" else ""),
          _gaps_text(dict(s.deltas)), s.effort, s.quarters] for n, s in enumerate(roadmap.steps, 1)],
        markdown=True,
    ))
    return "\n".join(out) + "\n"
