"""KPI series: readings compared with their baseline, judged by the KPI's direction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from planner.domain.practices.rubric import KpiSpec


#: Readings may be dated up to this far after today (the server's date): where the
#: person entering them lives, it may already be tomorrow.
DATE_SLACK = timedelta(days=1)


def _number(value: float) -> str:
    return f"{value:,.12g}"


def reading_problems(kpi: KpiSpec, recorded_on: date, value: float, today: date) -> tuple[tuple[str, str], ...]:
    """What is wrong with a reading, as (field, message) pairs: a value outside the KPI's range, a future date.

    The messages name the KPI and say what would be accepted, so they can be shown as they are.
    """
    problems = []
    low, high = kpi.minimum, kpi.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            allowed = f"{_number(low)} or more"
        elif low is None:
            allowed = f"{_number(high)} or less"
        else:
            allowed = f"from {_number(low)} to {_number(high)}"
        problems.append(("value", f"{kpi.name} ({kpi.unit}) must be {allowed}; {_number(value)} is outside that."))
    if recorded_on > today + DATE_SLACK:
        problems.append(("recorded_on", f"The date {recorded_on.day} {recorded_on:%b %Y} is in the future; "
                                        "enter the day the value was measured."))
    return tuple(problems)


@dataclass(frozen=True, slots=True)
class KpiReading:
    recorded_on: date
    value: float


@dataclass(frozen=True, slots=True)
class KpiChange:
    """One reading compared with the baseline."""

    kpi: KpiSpec
    baseline: KpiReading
    reading: KpiReading

    @property
    def delta(self) -> float:
        return self.reading.value - self.baseline.value

    @property
    def percent(self) -> float | None:
        """Change as a percentage of the baseline; ``None`` when the baseline is zero."""
        return None if self.baseline.value == 0 else self.delta / abs(self.baseline.value) * 100

    @property
    def outcome(self) -> str:
        """"better", "worse" or "unchanged", given whether lower is better for this KPI."""
        if self.delta == 0:
            return "unchanged"
        return "better" if (self.delta < 0) == self.kpi.lower_is_better else "worse"

    @property
    def improved(self) -> bool:
        return self.outcome == "better"


def kpi_changes(kpi: KpiSpec, baseline: KpiReading, readings: Iterable[KpiReading]) -> tuple[KpiChange, ...]:
    """Compare each later reading with the baseline, oldest first.

    Raises `ValueError` for a reading dated on or before the baseline: change
    against a baseline only means something after it.
    """
    ordered = sorted(readings, key=lambda r: r.recorded_on)
    early = next((r for r in ordered if r.recorded_on <= baseline.recorded_on), None)
    if early is not None:
        raise ValueError(f"{kpi.slug}: reading of {early.recorded_on} is not after the baseline of "
                         f"{baseline.recorded_on}")
    return tuple(KpiChange(kpi, baseline, r) for r in ordered)


@dataclass(frozen=True, slots=True)
class KpiSeries:
    """A KPI tracked for one scope (a team slug, or ``""`` for the whole organisation)."""

    scope: str
    kpi: KpiSpec
    baseline: KpiReading
    readings: tuple[KpiReading, ...]

    @property
    def changes(self) -> tuple[KpiChange, ...]:
        return kpi_changes(self.kpi, self.baseline, self.readings)
