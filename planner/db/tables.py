"""SQLModel tables, kept together in one module so relationships never import in circles.

Assessments are append-only history. The current level of each domain is also
kept on the person row (one column per domain), written in the same transaction
as the assessment that set it, so reading an organisation is one plain query.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Date, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from planner.domain.model import DOMAINS, MAX_LEVEL

__all__ = [
    "ASSESSMENT_KINDS",
    "ROLES",
    "AssessmentRow",
    "AuditRow",
    "DataVersionRow",
    "KpiReadingRow",
    "OrganisationRow",
    "PersonRow",
    "PracticeAnswerRow",
    "RubricVersionRow",
    "TeamManagerRow",
    "TeamRow",
    "UserRow",
    "utcnow",
]

#: Who set a level: the person themselves, their manager, or a bulk import by HR.
ASSESSMENT_KINDS = ("self", "manager", "import")
ROLES = ("hr", "manager", "individual")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _timestamp(**kwargs: Any) -> Any:
    # default_factory stamps model instances; the column default stamps bulk (Core) inserts too.
    return Field(default_factory=utcnow,
                 sa_column=Column(DateTime(timezone=True), nullable=False, default=utcnow, **kwargs))


class OrganisationRow(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    version: int = 1
    created_at: datetime = _timestamp()


class TeamRow(SQLModel, table=True):
    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    slug: str = Field(max_length=100)
    name: str = Field(max_length=200)
    version: int = 1


class PersonRow(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("organisation_id", "employee_id"),
        *(
            CheckConstraint(f"{d} BETWEEN 0 AND {MAX_LEVEL}", name=f"ck_person_{d}_range")
            for d in DOMAINS
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    employee_id: str = Field(max_length=100)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=320)
    track: str = Field(max_length=40)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    manager_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    #: Optimistic lock: every write checks the version it read and bumps it.
    version: int = 1
    updated_at: datetime = _timestamp()
    #: When the person left (archived): they keep their history but leave every current view.
    archived_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    #: When HR erased their personal data (names and contact pseudonymised; implies archived).
    erased_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    # Current level per domain (None = not assessed); history lives in `assessment`.
    prompting: int | None = None
    apis_integration: int | None = None
    rag_retrieval: int | None = None
    evaluation: int | None = None
    observability: int | None = None
    security: int | None = None
    governance: int | None = None
    strategy: int | None = None


class TeamManagerRow(SQLModel, table=True):
    """Which people manage which teams (a manager may have several)."""

    __tablename__ = "team_manager"

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)


class RubricVersionRow(SQLModel, table=True):
    """A rubric as uploaded; assessments record which one they were scored against."""

    __tablename__ = "rubric_version"
    __table_args__ = (UniqueConstraint("organisation_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    label: str = Field(max_length=100)
    sha256: str = Field(max_length=64)
    content: str
    active: bool = True
    created_at: datetime = _timestamp()


class UserRow(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('hr', 'manager', 'individual')", name="ck_user_role"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    email: str = Field(max_length=320, unique=True)
    password_hash: str = Field(max_length=300)
    role: str = Field(max_length=20)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    #: SHA-256 of the API token; the token itself is shown once and never stored.
    token_hash: str | None = Field(default=None, max_length=64, index=True)
    active: bool = True
    version: int = 1
    #: Bumped to end every session of the account at once (sign-out, password or role change,
    #: deactivation): a session remembers the epoch it began in and is refused once it differs.
    session_epoch: int = 0
    last_sign_in_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    created_at: datetime = _timestamp()


class AssessmentRow(SQLModel, table=True):
    """One level for one domain of one person at one moment. Never updated, never deleted."""

    __tablename__ = "assessment"
    __table_args__ = (
        CheckConstraint(f"level BETWEEN 0 AND {MAX_LEVEL}", name="ck_assessment_level"),
        CheckConstraint("kind IN ('self', 'manager', 'import')", name="ck_assessment_kind"),
        Index("ix_assessment_person_domain", "person_id", "domain", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    domain: str = Field(max_length=40)
    level: int
    kind: str = Field(max_length=10)
    evidence: str = Field(default="", max_length=2000)
    assessor_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    #: Who assessed, as text, so the history stays readable if the account goes.
    assessor: str = Field(default="", max_length=320)
    rubric_version_id: int | None = Field(default=None, foreign_key="rubric_version.id")
    created_at: datetime = _timestamp()


class AuditRow(SQLModel, table=True):
    """Who did what to which record, and when; before/after for changes."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _timestamp(index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    actor_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    actor: str = Field(max_length=320)
    action: str = Field(max_length=60, index=True)
    entity: str = Field(default="", max_length=60)
    entity_id: str = Field(default="", max_length=100)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))
    details: dict | None = Field(default=None, sa_column=Column(JSON))


class DataVersionRow(SQLModel, table=True):
    """The change feed: one row whose number goes up with every transaction that changes data.

    Caches are keyed by it (planner.services.cache). Only writes move it: the audit
    log also records reads (sign-ins, exports, denied access), which must not.
    """

    __tablename__ = "data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0, sa_type=BigInteger)
    changed_at: datetime = _timestamp()


class PracticeAnswerRow(SQLModel, table=True):
    """One questionnaire answer for the organisation (no team) or one team, at one moment.

    Append-only like assessments: the latest row per practice is the current answer.
    """

    __tablename__ = "practice_answer"
    __table_args__ = (
        CheckConstraint("answer IN ('yes', 'partial', 'no')", name="ck_practice_answer_value"),
        Index("ix_practice_answer_scope", "organisation_id", "team_id", "practice_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    practice_id: str = Field(max_length=80)
    answer: str = Field(max_length=10)
    answered_by: str = Field(default="", max_length=320)
    answered_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = _timestamp()


class KpiReadingRow(SQLModel, table=True):
    """A KPI value for the organisation (no team) or one team on a date; baselines are flagged."""

    __tablename__ = "kpi_reading"
    __table_args__ = (Index("ix_kpi_reading_scope", "organisation_id", "team_id", "kpi", "recorded_on"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    kpi: str = Field(max_length=80)
    recorded_on: date = Field(sa_column=Column(Date, nullable=False))
    value: float
    is_baseline: bool = False
    recorded_by: str = Field(default="", max_length=320)
    created_at: datetime = _timestamp()
