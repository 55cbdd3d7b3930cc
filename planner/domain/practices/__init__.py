"""Organisational AI practice maturity on two ladders: AIMM (five levels) and the seven-level model.

An organisation answers a questionnaire of concrete practices ("yes", "partial" or
"no"); each practice evidences one level on each ladder. The package does four jobs,
one module each:

- `rubric`: the ladders, the questionnaire, KPIs and the crosswalk, parsed and validated;
- `scoring`: answers placed on both ladders, gated level by level, with warnings;
- `report`: the practice positions beside the EAISM skills stage and a hiring plan;
- `kpis`: KPI readings compared with their baseline.

Everything public is re-exported here, so callers import from `planner.domain.practices`.
"""

from planner.domain.practices.kpis import KpiChange, KpiReading, KpiSeries, kpi_changes, reading_problems
from planner.domain.practices.report import FINDING_TITLES, Control, MaturityReport, RoadmapStep, maturity_report
from planner.domain.practices.rubric import (
    AIMM,
    LADDERS,
    SEVEN,
    SOURCES,
    Answer,
    Crosswalk,
    KpiSpec,
    Ladder,
    MaturityLevel,
    Practice,
    PracticeRubric,
    StageFit,
    parse_practice_rubric,
)
from planner.domain.practices.scoring import (
    AnswerError,
    LadderPosition,
    PracticeResult,
    Risk,
    parse_answers,
    score_practices,
    score_teams,
)

__all__ = [
    "AIMM",
    "FINDING_TITLES",
    "LADDERS",
    "SEVEN",
    "SOURCES",
    "Answer",
    "AnswerError",
    "Control",
    "Crosswalk",
    "KpiChange",
    "KpiReading",
    "KpiSeries",
    "KpiSpec",
    "Ladder",
    "LadderPosition",
    "MaturityLevel",
    "MaturityReport",
    "Practice",
    "PracticeResult",
    "PracticeRubric",
    "Risk",
    "RoadmapStep",
    "StageFit",
    "kpi_changes",
    "maturity_report",
    "parse_answers",
    "parse_practice_rubric",
    "reading_problems",
    "score_practices",
    "score_teams",
]
