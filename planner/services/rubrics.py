"""Which rubric an organisation scores against, and uploading a new version of it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session

from planner.db import repository
from planner.db.tables import utcnow
from planner.domain.model import Rubric
from planner.loaders import parse_rubric_toml, rubric_dir, rubric_source
from planner.services.errors import NotFound
from planner.services.transactions import Actor, writing

__all__ = [
    "RubricInUse",
    "ShippedRubric",
    "choose_shipped_rubric",
    "ensure_rubric_version",
    "organisation_rubric",
    "shipped_rubrics",
    "upload_rubric",
]


@dataclass(frozen=True, slots=True)
class RubricInUse:
    rubric: Rubric
    #: The stored version's id (None while the organisation still uses the shipped default).
    version_id: int | None
    label: str


@dataclass(frozen=True, slots=True)
class ShippedRubric:
    """A rubric that ships with the planner (``rubrics/eaism*.toml``): the standard model and its variants."""

    filename: str
    rubric: Rubric
    sha256: str


def shipped_rubrics() -> list[ShippedRubric]:
    """The skills rubrics shipped in the rubric folder, the standard one first."""
    shipped = []
    for path in sorted(rubric_dir().glob("eaism*.toml"), key=lambda p: (p.name != "eaism.toml", p.name)):
        text = rubric_source(path)
        shipped.append(ShippedRubric(path.name, _parse(text), hashlib.sha256(text.encode()).hexdigest()))
    return shipped


def choose_shipped_rubric(session: Session, *, organisation_id: int, filename: str, actor: Actor) -> RubricInUse:
    """Make a shipped rubric the organisation's active version, as an upload of its text would."""
    if filename not in {s.filename for s in shipped_rubrics()}:
        raise NotFound(f"no shipped rubric {filename!r}")
    return upload_rubric(session, organisation_id=organisation_id, text=rubric_source(rubric_dir() / filename),
                         actor=actor)


@lru_cache(maxsize=16)
def _parse(text: str) -> Rubric:
    return parse_rubric_toml("rubric", text)


def _label(rubric: Rubric, digest: str) -> str:
    return f"{rubric.version} ({digest[:8]})"


def organisation_rubric(session: Session, *, organisation_id: int) -> RubricInUse:
    """The organisation's active rubric, or the shipped default if it never uploaded one."""
    stored = repository.active_rubric_version(session, organisation_id=organisation_id)
    if stored is not None:
        version_id, label, text = stored
        return RubricInUse(_parse(text), version_id, label)
    text = rubric_source()
    rubric = _parse(text)
    return RubricInUse(rubric, None, _label(rubric, hashlib.sha256(text.encode()).hexdigest()))


def ensure_rubric_version(session: Session, *, organisation_id: int) -> int:
    """Id of the active rubric version, storing the shipped default first if needed.

    Call inside a write transaction: assessments must name the version they used.
    """
    in_use = organisation_rubric(session, organisation_id=organisation_id)
    if in_use.version_id is not None:
        return in_use.version_id
    text = rubric_source()
    digest = hashlib.sha256(text.encode()).hexdigest()
    return repository.add_rubric_version(session, organisation_id=organisation_id, label=in_use.label,
                                         sha256=digest, content=text, at=utcnow())


def upload_rubric(session: Session, *, organisation_id: int, text: str, actor: Actor) -> RubricInUse:
    """Validate an edited rubric and make it the organisation's active version.

    Raises `RubricError` naming the bad key; nothing is stored then.
    """
    rubric = _parse(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    label = _label(rubric, digest)
    with writing(session):
        version_id = repository.add_rubric_version(session, organisation_id=organisation_id, label=label,
                                                   sha256=digest, content=text, at=utcnow())
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=organisation_id,
                             action="rubric.upload", entity="rubric_version", entity_id=str(version_id),
                             details={"label": label, "sha256": digest})
    return RubricInUse(rubric, version_id, label)
