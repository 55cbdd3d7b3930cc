"""Recording assessments (with optimistic locking) and reading a person's history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from planner.db import repository
from planner.db.repository import StoredPerson
from planner.db.tables import utcnow
from planner.domain.assessments import (
    SCORED_KINDS,
    AssessmentEntry,
    Disagreement,
    disagreements,
    evidence_problem,
    latest_profile,
)
from planner.domain.model import DOMAINS, MAX_LEVEL, Profile
from planner.domain.scoring import PersonScore, score_person
from planner.services.errors import NotFound, ServiceError, StaleWrite
from planner.services.rubrics import ensure_rubric_version, organisation_rubric
from planner.services.transactions import Actor, writing

__all__ = ["PersonDetail", "detail_of", "person_detail", "record_assessment"]

WRITABLE_KINDS = ("manager", "self")


@dataclass(frozen=True, slots=True)
class PersonDetail:
    """Everything the pages and API show about one person."""

    stored: StoredPerson
    score: PersonScore
    history: tuple[AssessmentEntry, ...]
    self_view: Profile
    disagreements: tuple[Disagreement, ...]
    rubric_label: str


def person_detail(session: Session, *, organisation_id: int, employee_id: str) -> PersonDetail:
    stored = repository.get_person(session, organisation_id=organisation_id, employee_id=employee_id)
    if stored is None:
        raise NotFound(f"no person {employee_id!r}")
    return detail_of(session, organisation_id=organisation_id, stored=stored)


def detail_of(session: Session, *, organisation_id: int, stored: StoredPerson) -> PersonDetail:
    """The detail of a person already read."""
    in_use = organisation_rubric(session, organisation_id=organisation_id)
    history = tuple(repository.person_history(session, person_id=stored.id, employee_id=stored.person.employee_id))
    self_view = latest_profile(history, kinds=("self",))
    return PersonDetail(
        stored=stored,
        score=score_person(in_use.rubric, stored.person),
        history=history,
        self_view=self_view,
        disagreements=disagreements(self_view, stored.person.profile),
        rubric_label=in_use.label,
    )


def _check_levels(levels: Mapping[str, int]) -> None:
    if not levels:
        raise ServiceError("an assessment needs at least one domain level")
    for domain, level in levels.items():
        if domain not in DOMAINS:
            raise ServiceError(f"unknown domain {domain!r}")
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= MAX_LEVEL:
            raise ServiceError(f"{domain}: level must be a whole number 0-{MAX_LEVEL}")


def record_assessment(session: Session, *, organisation_id: int, employee_id: str, expected_version: int,
                      levels: Mapping[str, int], kind: str, evidence: str, actor: Actor) -> StoredPerson:
    """Append an assessment of the given domains, if nobody changed the person since `expected_version`.

    A manager assessment also becomes the person's current (scored) profile; a
    self-assessment is kept beside it. Raises `StaleWrite` (nothing written) when
    the version moved on, `NotFound` for an unknown person.
    """
    if kind not in WRITABLE_KINDS:
        raise ServiceError(f"kind must be one of {', '.join(WRITABLE_KINDS)}")
    _check_levels(levels)
    if problem := evidence_problem(evidence):
        raise ServiceError(problem)
    with writing(session):
        stored = repository.get_person(session, organisation_id=organisation_id, employee_id=employee_id)
        if stored is None:
            raise NotFound(f"no person {employee_id!r}")
        scored = kind in SCORED_KINDS
        if not repository.bump_person_version(session, person_id=stored.id, expected_version=expected_version,
                                              values=levels if scored else None):
            current = repository.get_person(session, organisation_id=organisation_id, employee_id=employee_id)
            raise StaleWrite("person", employee_id, expected_version, current.version if current else None)
        now = utcnow()
        rubric_version = ensure_rubric_version(session, organisation_id=organisation_id)
        repository.add_assessments(session, rows=[
            {"person_id": stored.id, "domain": d, "level": lv, "kind": kind, "evidence": evidence.strip(),
             "assessor": actor.label, "assessor_user_id": actor.user_id, "rubric_version_id": rubric_version,
             "created_at": now}
            for d, lv in levels.items()
        ])
        repository.add_audit(
            session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=organisation_id,
            action=f"assessment.{kind}", entity="person", entity_id=employee_id,
            before={d: stored.person.profile.get(d) for d in levels} if scored else None,
            after=dict(levels), details={"evidence": evidence.strip()[:200], "version": expected_version + 1}, at=now,
        )
    return repository.get_person(session, organisation_id=organisation_id, employee_id=employee_id)
