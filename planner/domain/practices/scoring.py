"""Scoring answers: one set of answers placed on both ladders, with the warnings it raises.

Levels are gates, as the EAISM stage is: level k is held only when every level
up to k has enough of its practices in place. Claims far above the foundation
therefore never lift the level. They are reported instead, because automation
without governance or baselines is exposure, not maturity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.domain.model import frozen_mapping
from planner.domain.practices.rubric import (
    AIMM,
    AUTOMATION,
    GOVERNANCE,
    LADDERS,
    SEVEN,
    Answer,
    Ladder,
    MaturityLevel,
    Practice,
    PracticeRubric,
)
from planner.domain.staging import Finding


class AnswerError(ValueError):
    """Answers that cannot be scored; `problems` lists every (key, problem) found."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        key, problem = self.problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"key {key!r}: {problem}{more}")


def parse_answers(rubric: PracticeRubric, raw: Mapping[str, Any]) -> Mapping[str, Answer]:
    """Check ``{practice id: "yes" | "partial" | "no"}``; values are case-insensitive.

    Raises `AnswerError` listing every unknown id and unreadable value.
    """
    answers: dict[str, Answer] = {}
    problems: list[tuple[str, str]] = []
    for key, value in raw.items():
        if not rubric.has_practice(key):
            problems.append((key, "unknown practice id"))
        elif not isinstance(value, str) or value.strip().lower() not in tuple(Answer):
            shown = value if isinstance(value, str) else repr(value)
            problems.append((key, f"expected 'yes', 'partial' or 'no', got {shown[:20]!r}"))
        else:
            answers[key] = Answer(value.strip().lower())
    if problems:
        raise AnswerError(problems)
    return frozen_mapping(answers)


@dataclass(frozen=True, slots=True)
class LadderPosition:
    """Where the practices place the organisation on one ladder, and what holds it there."""

    ladder: Ladder
    #: The level held: at least 1, the starting point that needs nothing.
    level: int
    #: Per level 1..top, the share of its practices in place (partial counts part).
    shares: tuple[float, ...]
    #: The highest level with any practice in place, held or not (1 when none is).
    reach: int
    #: Practices not fully in place that the next level needs (its own and those of levels 2 up to it).
    missing: tuple[Practice, ...]
    #: Practices in place two or more levels above the level held: they count for nothing yet.
    ungrounded: tuple[Practice, ...]

    @property
    def name(self) -> str:
        return self.ladder.level_name(self.level)

    @property
    def guide(self) -> MaturityLevel:
        """The level held: its KPIs and controls apply now, and its actions lead to the next level."""
        return self.ladder.level(self.level)

    @property
    def next_level(self) -> MaturityLevel | None:
        return self.ladder.level(self.level + 1) if self.level < self.ladder.top else None


@dataclass(frozen=True, slots=True)
class Risk:
    """A risk of one ladder level: of the level held (`ahead` false) or of the next one."""

    ladder: str
    level: int
    text: str
    ahead: bool


@dataclass(frozen=True, slots=True)
class PracticeResult:
    """One set of answers (an organisation's or a team's) placed on both ladders."""

    rubric: PracticeRubric
    answers: Mapping[str, Answer]
    positions: Mapping[str, LadderPosition]

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Claims above the foundation, automation without governance, and missing baselines."""
        return tuple(_warnings(self))

    @property
    def aimm(self) -> LadderPosition:
        return self.positions[AIMM]

    @property
    def seven_level(self) -> LadderPosition:
        return self.positions[SEVEN]

    def answer(self, practice_id: str) -> Answer:
        return self.answers.get(practice_id, Answer.NO)

    def in_place(self, practice: Practice) -> bool:
        """Yes or partial: the practice exists, so its risks exist too."""
        return self.answer(practice.id) != Answer.NO

    @property
    def automation_in_place(self) -> tuple[Practice, ...]:
        return tuple(p for p in self.rubric.practices if p.theme == AUTOMATION and self.in_place(p))

    @property
    def has_baseline(self) -> bool:
        return any(self.answer(p) == Answer.YES for p in self.rubric.baseline_practices)

    @property
    def risks(self) -> tuple[Risk, ...]:
        """Each ladder's risks at the level held, then those of the level it is moving to.

        The next level's risks are named before they arrive: AIMM 3's productivity
        wall is what an organisation at AIMM 2 is heading for.
        """
        now = [Risk(s, pos.level, text, False) for s, pos in self.positions.items() for text in pos.guide.risks]
        ahead = [
            Risk(s, pos.next_level.number, text, True)
            for s, pos in self.positions.items() if pos.next_level for text in pos.next_level.risks
        ]
        return (*now, *ahead)

    @property
    def next_actions(self) -> tuple[str, ...]:
        """What moves each ladder up a level (at the top, what sustains it), without repeats."""
        return tuple(dict.fromkeys(a for pos in self.positions.values() for a in pos.guide.actions))


def _share(rubric: PracticeRubric, practices: Sequence[Practice], answers: Mapping[str, Answer]) -> float:
    """The share of `practices` in place; a level with none (level 1 may have none) asks for nothing."""
    if not practices:
        return 1.0
    return sum(rubric.credit(answers.get(p.id, Answer.NO)) for p in practices) / len(practices)


def _position(rubric: PracticeRubric, ladder: Ladder, answers: Mapping[str, Answer]) -> LadderPosition:
    by_level = [[p for p in rubric.practices if p.level_on(ladder.slug) == n] for n in range(1, ladder.top + 1)]
    shares = tuple(_share(rubric, practices, answers) for practices in by_level)
    # Level 1 is the starting point every organisation holds; levels 2 and up are gates.
    level = 1
    # Rounded so 7 of 10 practices hold a 0.7 threshold despite binary floating point.
    while level < ladder.top and round(shares[level], 9) >= rubric.threshold:
        level += 1
    placed = [p for p in rubric.practices
              if answers.get(p.id, Answer.NO) != Answer.NO and p.level_on(ladder.slug) is not None]
    return LadderPosition(
        ladder=ladder,
        level=level,
        shares=shares,
        reach=max((p.level_on(ladder.slug) for p in placed), default=1),
        missing=tuple(
            p for practices in (by_level[1: level + 1] if level < ladder.top else ())
            for p in practices if answers.get(p.id) != Answer.YES
        ),
        ungrounded=tuple(p for p in placed if (p.level_on(ladder.slug) or 0) >= level + 2),
    )


def _in_sentence(name: str) -> str:
    """A name as it reads mid-sentence: "A person checks AI output" -> "a person checks AI output"."""
    first = name.split(" ", 1)[0]
    return name if len(first) > 1 and first.isupper() else name[:1].lower() + name[1:]


def names_text(practices: Iterable[Practice], limit: int = 4) -> str:
    """Practices by their names for a sentence: "A, B, C and 2 more"."""
    names = [_in_sentence(p.name) for p in practices]
    shown, rest = names[:limit], len(names) - limit
    if rest > 0:
        return f"{', '.join(shown)} and {rest} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _ungrounded(position: LadderPosition) -> Finding:
    ladder, gap = position.ladder, position.level + 1
    top = max(p.level_on(ladder.slug) or 0 for p in position.ungrounded)
    count = len(position.ungrounded)
    return Finding(
        "ungrounded_practice",
        f"{ladder.short}: {count} {'practice' if count == 1 else 'practices'} of levels up to {top} "
        f"{'is' if count == 1 else 'are'} in place ({names_text(position.ungrounded)}) while level {gap} "
        f"({ladder.level(gap).name}) is not, so they do not raise the level. "
        f"Build level {gap} before relying on them.",
    )


def _ungoverned_automation(result: PracticeResult) -> Finding | None:
    """Automation in place while governance practices at or below its level are not fully in place."""
    rubric, running = result.rubric, result.automation_in_place
    if not running:
        return None
    reach = max(p.seven_level for p in running)
    ungoverned = [
        p for p in rubric.practices
        if p.theme == GOVERNANCE and p.seven_level <= reach and result.answer(p.id) != Answer.YES
    ]
    if not ungoverned:
        return None
    return Finding(
        "ungoverned_automation",
        f"Automation is in place ({names_text(running)}) without the governance beneath it "
        f"({names_text(ungoverned)} not fully in place). An automated workflow without controls fails at scale "
        "and nobody can say why: put these controls in before automating further.",
    )


def _warnings(result: PracticeResult) -> list[Finding]:
    rubric = result.rubric
    found = [_ungrounded(pos) for pos in result.positions.values() if pos.ungrounded]
    automation = _ungoverned_automation(result)
    if automation:
        found.append(automation)
    if not result.has_baseline:
        found.append(Finding(
            "no_baseline",
            f"No baseline is fully recorded ({names_text(map(rubric.practice, rubric.baseline_practices))}): "
            "the return on AI "
            "cannot be measured, so no investment can be shown to pay off. Record baselines first.",
        ))
    return found


def score_practices(rubric: PracticeRubric, answers: Mapping[str, Answer | str]) -> PracticeResult:
    """Place one set of answers (an organisation's or a team's) on both ladders.

    Unanswered practices count as "no". Raises `AnswerError` for unknown ids or values.
    """
    checked = parse_answers(rubric, answers)
    positions = frozen_mapping((slug, _position(rubric, rubric.ladder(slug), checked)) for slug in LADDERS)
    return PracticeResult(rubric, checked, positions)


def score_teams(rubric: PracticeRubric, answers_by_team: Mapping[str, Mapping[str, Answer | str]]
                ) -> dict[str, PracticeResult]:
    """Score each team's answers on its own: departments mature at different speeds.

    Raises `AnswerError` whose keys are prefixed with the team, e.g. ``apps.foo``.
    """
    results, problems = {}, []
    for team, answers in answers_by_team.items():
        try:
            results[team] = score_practices(rubric, answers)
        except AnswerError as exc:
            problems += [(f"{team}.{key}", problem) for key, problem in exc.problems]
    if problems:
        raise AnswerError(problems)
    return results
