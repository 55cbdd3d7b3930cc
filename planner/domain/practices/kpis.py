"""KPI series: readings compared with their baseline, judged by the KPI's direction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from planner.domain.practices.rubric import KpiSpec


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
