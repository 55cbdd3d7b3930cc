"""The API's request and response shapes; the OpenAPI document is generated from these.

Responses mirror `planner.reports` (the CLI's JSON) field for field, and forbid
extra keys, so a shape that drifts from its schema fails the schemathesis run.
Request bodies forbid extra keys too (a smuggled ``role`` or ``team`` is a 422)
and are strict: ``"3"`` is not a level.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model, model_validator

from planner.domain.assessments import MAX_EVIDENCE_CHARS, MAX_VERSION, evidence_problem
from planner.domain.model import DOMAINS, MAX_LEVEL, TRACKS


def _whole(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def whole_number(low: int, high: int) -> type[int]:
    """An integer from `low` to `high` in JSON's sense, even in a strict model: 3.0 is 3; "3", true and 3.5 are not."""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(_whole)]


def _optional(schema: dict) -> None:
    """For a field that may be left out but not sent as null: its schema shows no (null) default."""
    schema.pop("default", None)


Domain = Literal[DOMAINS]
Track = Literal[TRACKS]
Kind = Literal["manager", "self"]
Level = whole_number(0, MAX_LEVEL)
TargetLevel = whole_number(1, MAX_LEVEL)
#: The shipped ladder has five stages; a target beyond an uploaded rubric's last stage is a 422 from the planner.
StageNumber = whole_number(1, 5)
PerQuarter = whole_number(1, 1000)
Version = whole_number(1, MAX_VERSION)
#: Stored ids are free text up to 100 characters; control characters never occur in them.
EmployeeId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
TeamSlug = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]


def _evidence(value: str) -> str:
    problem = evidence_problem(value)
    if problem:
        raise ValueError(problem)
    return value


#: The form's rule (`evidence_problem`): at most 2,000 characters and no NUL, which PostgreSQL refuses.
#: The pattern only tells clients (and schemathesis) about the NUL; `_evidence` enforces it, with its own message.
Evidence = Annotated[str, Field(max_length=MAX_EVIDENCE_CHARS, json_schema_extra={"pattern": "^[^\\x00]*$"}),
                     AfterValidator(_evidence)]


def _as_utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back without a zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class Shape(BaseModel):
    """A response shape: exactly these keys."""

    model_config = ConfigDict(extra="forbid")


class Request(BaseModel):
    """A request body: exactly these keys, and JSON types as sent (no coercion of "3" to 3)."""

    model_config = ConfigDict(extra="forbid", strict=True)


# --- errors ------------------------------------------------------------------

class ErrorDetail(Shape):
    status: int
    title: str
    detail: str


class Problem(Shape):
    """Every error: ``{"error": {"status", "title", "detail"}}``."""

    error: ErrorDetail


class ConflictDetail(ErrorDetail):
    current_version: int | None = Field(description="The person's version now; read again and retry.")


class ConflictProblem(Shape):
    """A stale write: somebody changed the person since the client read them."""

    error: ConflictDetail


class FieldError(Shape):
    path: str = Field(description="Where the bad value is, e.g. ``levels.evaluation`` or ``hires[0].level``.")
    message: str


class ValidationDetail(ErrorDetail):
    fields: list[FieldError]


class ValidationProblem(Shape):
    """A request that does not fit its schema, or names something that does not exist (422)."""

    error: ValidationDetail


# --- path and query parameters --------------------------------------------------

class PersonPath(BaseModel):
    employee_id: EmployeeId


class TeamPath(BaseModel):
    slug: TeamSlug


class Query(BaseModel):
    """Query-string parameters.

    flask-openapi3 reads every request's query string through the model's JSON
    schema, which pydantic builds anew on each call (a fifth of a millisecond);
    a model's schema never changes, so it is built once (callers get a copy).
    """

    @classmethod
    def model_json_schema(cls, *args, **kwargs) -> dict[str, Any]:
        if args or kwargs:  # the OpenAPI document asks with settings of its own, once
            return super().model_json_schema(*args, **kwargs)
        return copy.deepcopy(_query_schema(cls))


@cache
def _query_schema(model: type[Query]) -> dict[str, Any]:
    return super(Query, model).model_json_schema()


class PeopleQuery(Query):
    team: TeamSlug = Field(None, description="Only the people of this team.", json_schema_extra=_optional)
    q: Annotated[str, Field(max_length=200)] = Field(
        None, description="Only people whose name or employee id contains this (any case).", json_schema_extra=_optional)
    track: Track = Field(None, description="Only the people of this track.", json_schema_extra=_optional)
    level: Level = Field(None, description="Only people holding exactly this EAISM level.", json_schema_extra=_optional)
    domain: Domain = Field(None, description="Only people assessed in this domain (at `min_level` or above, "
                                             "given it).", json_schema_extra=_optional)
    min_level: Level = Field(None, description="Only people at this level or above in `domain` (without "
                                               "`domain`: in at least one domain).", json_schema_extra=_optional)
    page: whole_number(1, 10**6) = Field(1, description="Which page (from 1).")
    limit: whole_number(1, 200) = Field(100, description="People per page (at most 200).")


class RoadmapQuery(Query):
    target_level: TargetLevel = Field(None, description="Default: the track's goal while below it (with its literacy "
                                                       "step), then the next level.", json_schema_extra=_optional)
    track: Track = Field(None, description="Track to end on. Default: the person's own.",
                         json_schema_extra=_optional)


class PlanQuery(Query):
    target_stage: StageNumber = Field(None, description="Default: the next stage.", json_schema_extra=_optional)
    per_quarter: PerQuarter = Field(None, description="External hires possible per quarter. Default: no cap, "
                                                      "one quarter per phase.", json_schema_extra=_optional)


# --- request bodies -------------------------------------------------------------

class _SomeDomains(Request):
    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    @model_validator(mode="after")
    def _at_least_one(self):
        if not self.model_fields_set:
            raise ValueError("give a level for at least one domain")
        return self


#: A level 0-5 for each domain assessed (an object, not a map, so the domains are listed in the schema).
DomainLevels = create_model(
    "DomainLevels", __base__=_SomeDomains,
    **{domain: (Level, Field(None, json_schema_extra=_optional)) for domain in DOMAINS},
)


class AssessmentRequest(Request):
    levels: DomainLevels = Field(description="A level 0-5 for each domain assessed; at least one.")
    evidence: Evidence = Field("", description="What the levels rest on: a note or a link.")
    kind: Kind = Field(description="``manager``: a manager assessing their report (sets the scored profile); "
                                   "``self``: a person assessing themselves (kept beside it).")
    version: Version = Field(description="The person's ``version`` as the client read it.")


class HireWhatIf(Request):
    level: TargetLevel
    domains: list[Domain] = Field([], max_length=len(DOMAINS), description="Where the hire is strongest.")


class PromotionWhatIf(Request):
    employee_id: EmployeeId
    level: TargetLevel


class PlanRequest(Request):
    target_stage: StageNumber | None = Field(None, description="Default: the next stage.")
    per_quarter: PerQuarter | None = Field(None, description="External hires possible per quarter.")
    hires: list[HireWhatIf] = Field([], max_length=100, description="Hypothetical hires to add first.")
    promotions: list[PromotionWhatIf] = Field([], max_length=200, description="Hypothetical promotions to apply first.")


# --- responses: organisation --------------------------------------------------------

#: A level (or None: not assessed) for every domain, in canonical order.
DomainProfile = create_model(
    "DomainProfile", __base__=Shape, **{domain: (Level | None, ...) for domain in DOMAINS},
)


class StageRef(Shape):
    number: int
    name: str


class StageSummary(StageRef):
    summary: str


class NextStage(StageRef):
    blockers: list[str]


class Finding(Shape):
    code: str
    message: str


class GateShortfall(Shape):
    level: int
    domain: Domain | None
    needed: int
    have: int
    certain: bool = Field(description="False when blank cells could still close this shortfall.")
    message: str


class Gate(StageRef):
    met: bool
    shortfalls: list[GateShortfall]


class RubricRef(Shape):
    name: str
    version: str


class Employee(Shape):
    """A person, their level and the raises that would earn the next one."""

    employee_id: str
    name: str
    team: str
    track: str
    level: Level
    level_title: str
    domains: DomainProfile
    not_assessed: list[Domain]
    next_level_gaps: dict[Domain, int]
    leads_at: Level | None = Field(description="The level a leadership profile leads at without earning it.")


class OrgSummary(Shape):
    """Where a group of people stands on the stage ladder (``planner assess --format json``)."""

    rubric: RubricRef
    headcount: int = Field(description="The AI workforce: the people the stage gates are measured against.")
    total_headcount: int = Field(description="Everyone, AI workforce or not.")
    stage: StageSummary
    possible_stage: StageRef = Field(description="The stage if every blank cell turned out at the top level.")
    unassessed_domains: list[Domain] = Field(
        description="Domains whose blank cells leave a stage gate undecided, the one to assess first leading.")
    next_stage: NextStage | None
    blocked_by: str
    level_counts: dict[str, int] = Field(description="People holding exactly each level, keyed '0' to '5'.")
    operationalization_gap: bool
    warnings: list[Finding]
    gates: list[Gate]
    domain_coverage: dict[Domain, dict[str, int]] = Field(
        description="Per domain, people at or above each level, keyed '1' to '5'.")


class TeamStage(Shape):
    """One team's stage, read on its own AI workforce."""

    team: str
    headcount: int
    total_headcount: int
    stage: StageRef
    possible_stage: StageRef
    blocked_by: str


class OrgStage(OrgSummary):
    """``planner assess --format json`` over the whole organisation, without the list of everyone:
    that is `people`, one page at a time (an organisation of 100,000 would be megabytes here)."""

    people: str = Field(description="The URL listing everyone's level, page by page.")
    teams: list[TeamStage]


class PromotionDetail(Shape):
    employee_id: str
    name: str
    from_level: int
    to_level: int
    domain_deltas: dict[Domain, int]
    effort: float = Field(description="The person's roadmap effort, in level-steps.")
    start_quarter: int
    ready_quarter: int
    grown_in_plan: bool = Field(description="True when an earlier phase of the same plan brings the person to "
                                            "from_level.")


class PlanPhase(Shape):
    phase: int
    level: int
    title: str
    builds: str
    critical: bool
    needed: int
    have: int
    hires: int
    promotions: list[str]
    promotion_details: list[PromotionDetail]
    focus_domains: list[Domain]
    conditional_domains: list[Domain] = Field(
        description="Domains the phase hires for although blank cells leave them undecided.")
    rationale: str
    quarter: int | None
    end_quarter: int | None
    hires_from: int | None
    hires_until: int | None


class Plan(Shape):
    """``planner plan --format json``, plus the organisation after the what-ifs."""

    current_stage: StageRef
    target_stage: StageRef
    projected_stage: StageRef
    per_quarter: int | None
    total_hires: int
    total_promotions: int
    quarters: int
    phases: list[PlanPhase]
    assess_first: list[Domain] = Field(description="Domains whose blank cells leave the target stage undecided, most decisive first.")
    warnings: list[Finding]
    what_if: OrgSummary | None = Field(
        description="The organisation with the what-if hires and promotions applied, before the plan "
                    "(null without any). The plan above is what would still be needed after them.")


# --- responses: people and teams ------------------------------------------------------

class People(Shape):
    """One page of the people you may see, by name; follow `next` for the following page."""

    people: list[Employee]
    total: int = Field(description="People matching the query, on every page.")
    page: int
    limit: int
    next: str | None = Field(description="The URL of the next page; null on the last.")


class Disagreement(Shape):
    model_config = ConfigDict(from_attributes=True)

    domain: Domain
    self_level: Level
    manager_level: Level
    difference: int = Field(description="Self minus manager level.")


class PersonDetail(Employee):
    """A person's profile, self view and where the two disagree by two levels or more."""

    email: str
    manager_id: str | None
    self_view: DomainProfile
    disagreements: list[Disagreement]
    version: int = Field(description="Send this back when assessing the person.")
    rubric_version: str = Field(description="The rubric version the levels are scored against.")


class TeamRef(Shape):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    manager_ids: list[str]


class Teams(Shape):
    teams: list[TeamRef]


class TeamDetail(TeamRef):
    headcount: int
    level_counts: dict[str, int]
    domain_coverage: dict[Domain, dict[str, int]]
    weakest_domains: list[Domain] = Field(description="Where the fewest members are at L2+, then L3+.")
    members: list[PersonDetail]


class HistoryEntry(Shape):
    model_config = ConfigDict(from_attributes=True)

    domain: Domain
    level: Level
    kind: str = Field(description="manager, self or import.")
    at: UtcDatetime
    evidence: str
    assessor: str
    rubric_version: str | None


class History(Shape):
    model_config = ConfigDict(from_attributes=True)

    employee_id: str
    version: int
    assessments: list[HistoryEntry] = Field(description="Oldest first.")


class AssessmentRecorded(Shape):
    employee_id: str
    kind: Kind
    levels: dict[Domain, Level]
    version: int = Field(description="The person's new version.")


class RoadmapNode(Shape):
    track: str
    level: int


class RoadmapStep(Shape):
    from_: RoadmapNode = Field(alias="from")
    to: RoadmapNode
    kind: str
    key_move: bool
    effort: float
    quarters: int
    domain_deltas: dict[Domain, int]


class Route(Shape):
    """``planner roadmap --format json``."""

    employee_id: str
    name: str
    track: str
    current_level: int
    target_level: int
    target_track: str
    literacy_level: int | None = Field(description="When the route ends with the track's literacy step: the level "
                                                   "understood without being practised.")
    total_effort: float
    effort_unit: str
    quarters: int = Field(description="Development time of the whole route, in quarters.")
    steps: list[RoadmapStep]


class Roadmap(Route):
    alternatives: list[Route] = Field(description="The same target level reached on each other track.")


# --- responses: rubric -------------------------------------------------------------

class RubricDomain(Shape):
    model_config = ConfigDict(from_attributes=True)

    slug: Domain
    name: str
    descriptors: list[str | None] = Field(description="What levels 1-5 look like; null where the matrix says n/a.")


class RubricLevel(Shape):
    model_config = ConfigDict(from_attributes=True)

    number: int
    title: str
    question: str
    scope: str
    core: list[Domain]
    min_domains: int


class Requirement(Shape):
    model_config = ConfigDict(from_attributes=True)

    level: int
    min_count: int
    min_share: float
    domain: Domain | None


class RubricStage(Shape):
    model_config = ConfigDict(from_attributes=True)

    number: int
    name: str
    summary: str
    people: list[Requirement]
    coverage: list[Requirement]


class RubricPhase(Shape):
    model_config = ConfigDict(from_attributes=True)

    level: int
    title: str
    builds: str
    why: str
    critical: bool


class RubricTrack(Shape):
    model_config = ConfigDict(from_attributes=True)

    slug: Track
    name: str
    summary: str
    goal_level: int
    key_move: int | None


class RubricMatrix(Shape):
    model_config = ConfigDict(from_attributes=True)

    name: str
    version: str
    domains: list[RubricDomain]
    levels: list[RubricLevel]
    stages: list[RubricStage]
    phases: list[RubricPhase]
    tracks: list[RubricTrack]


class ActiveRubric(Shape):
    """The skills matrix the organisation scores against."""

    model_config = ConfigDict(from_attributes=True)

    label: str = Field(description="The stored version's label (scores name it as ``rubric_version``).")
    rubric: RubricMatrix


class UserAccount(Shape):
    """A sign-in account as HR's user administration sees it."""

    email: str
    role: Literal["hr", "manager", "individual"]
    person_name: str | None = Field(description="The person of the roster the account is; none for some HR accounts.")
    employee_id: str | None
    status: Literal["active", "invited", "deactivated"]
    last_sign_in_at: UtcDatetime | None


class UserAccounts(Shape):
    users: list[UserAccount]


# --- roster administration (HR) ------------------------------------------------------

#: Characters a pattern refuses as blank or control: written out, not ``\s``, because Python's ``\s``
#: (what the roster service strips) and JSON Schema's (what clients and schemathesis read) differ.
_BLANK = r"\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROL = r"\x00-\x1f\x7f"
#: Text a person reads: at least one visible character, no control characters.
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=f"^[^{_CONTROL}]*[^{_BLANK}][^{_CONTROL}]*$")]
#: An email address, or "" for none.
Email = Annotated[str, Field(max_length=320, pattern=f"^([^{_BLANK}@]+@[^{_BLANK}@]+)?$")]
NewEmployeeId = Annotated[str, Field(min_length=1, max_length=100,
                                     pattern=f"^[^{_BLANK}]([^{_CONTROL}]*[^{_BLANK}])?$")]


class RosterQuery(Query):
    archived: bool = Field(False, description="true: the people who have left, instead of those still here.")


class NewPerson(Request):
    employee_id: NewEmployeeId = Field(description="Unique in the organisation, leavers included.")
    name: Name
    email: Email = ""
    track: Track
    team: TeamSlug | None = Field(None, description="The team's slug; null for none.")
    manager_id: EmployeeId | None = Field(None, description="Who they report to (someone still here); null for nobody.")


class PersonChange(Request):
    """The fields to change (at least one); moving team and changing manager are changes like any other."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 2})

    version: Version = Field(description="The person's ``version`` as the client read it.")
    name: Name = Field(None, json_schema_extra=_optional)
    email: Email = Field(None, json_schema_extra=_optional)
    track: Track = Field(None, json_schema_extra=_optional)
    team: TeamSlug | None = Field(None, description="null: no team.")
    manager_id: EmployeeId | None = Field(None, description="null: reports to nobody.")

    @model_validator(mode="after")
    def _something_to_change(self):
        if not self.model_fields_set - {"version"}:
            raise ValueError("give at least one field to change")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(include=self.model_fields_set - {"version"})


class VersionRequest(Request):
    version: Version = Field(description="The ``version`` as the client read it.")


class NewTeam(Request):
    name: Name = Field(description="Its slug (in links and files) is made from the name.")


class TeamRename(Request):
    name: Name
    version: Version = Field(description="The team's ``version`` as the client read it.")


class RosterPerson(Shape):
    """A person as HR administers them."""

    model_config = ConfigDict(from_attributes=True)

    employee_id: str
    name: str
    email: str
    track: str
    team: str = Field(description="The team's slug; empty for none.")
    team_name: str
    manager_id: str | None = Field(description="Who they report to; null for nobody (or a manager who has left).")
    manager_name: str | None
    archived_at: UtcDatetime | None = Field(description="When they left; null while they are here.")
    version: int = Field(description="Send this back to change, archive or restore them.")


class Roster(Shape):
    people: list[RosterPerson]


class RosterTeam(Shape):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    headcount: int = Field(description="People on the team who have not left.")
    version: int = Field(description="Send this back to rename the team.")


class RosterTeams(Shape):
    teams: list[RosterTeam]
