"""Personal-data rights: everyone downloads what is held about them; HR erases a person.

Erasure keeps the organisation's trends true: the person's row stays (archived,
with their track, team and levels) and so does every assessment's domain, level,
kind and date, but nothing names them any more. Their name, email and employee
id are replaced by a pseudonym, evidence and assessor notes about them are
cleared, their accounts are closed and renamed, and every audit row that named
them is rewritten. The erasure's own audit row names only the pseudonym.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from planner.db import repository
from planner.db.tables import utcnow
from planner.services.access import Scope
from planner.services.errors import StaleWrite
from planner.services.roster import RosterConflict, roster_person
from planner.services.transactions import writing

__all__ = ["ERASED_NAME", "erase_person", "personal_data"]

#: What an erased person (and whatever they wrote) is called from then on.
ERASED_NAME = "Erased person"


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def personal_data(session: Session, scope: Scope, employee_id: str | None = None) -> dict[str, Any]:
    """Everything the planner holds about a person, as JSON-ready data; the download is audited.

    By default the signed-in person (and their account); HR may name anyone, a leaver
    too, who can no longer sign in to ask for it themselves.
    """
    account_id: int | None = scope.account_id
    if employee_id is not None and employee_id != scope.employee_id:
        scope.require_role("hr")
        roster_person(session, scope, employee_id)  # NotFound for nobody
        account_id = None
    else:
        employee_id = scope.employee_id
    person, history, stored = None, [], None
    if employee_id:
        stored = repository.get_person(session, organisation_id=scope.organisation_id, employee_id=employee_id,
                                       include_archived=True)
        if stored is not None:
            row = repository.roster_rows(session, organisation_id=scope.organisation_id, employee_id=employee_id,
                                         archived=None)[0]
            person = {"employee_id": row.employee_id, "name": row.name, "email": row.email, "track": row.track,
                      "team": row.team_name, "manager": row.manager_name, "left_on": _when(row.archived_at),
                      "levels": stored.person.profile.as_dict()}
            history = [{"domain": e.domain, "level": e.level, "kind": e.kind, "at": _when(e.at),
                        "evidence": e.evidence, "assessor": e.assessor, "rubric_version": e.rubric_version}
                       for e in repository.person_history(session, person_id=stored.id, employee_id=row.employee_id)]
    accounts = repository.linked_accounts(session, person_id=stored.id if stored else None, account_id=account_id)
    names = [*(a["email"] for a in accounts), *([employee_id] if employee_id else [])]
    activity = [{"at": _when(r["at"]), "by": r["actor"], "action": r["action"], "record": r["entity"],
                 "record_id": r["entity_id"], "before": r["before"], "after": r["after"], "details": r["details"]}
                for r in repository.audit_rows_naming(session, organisation_id=scope.organisation_id,
                                                      account_ids=[a["id"] for a in accounts], texts=names)]
    data = {
        "exported_at": _when(utcnow()),
        "person": person,
        "assessments": history,
        "accounts": [{"email": a["email"], "role": a["role"], "active": bool(a["active"]),
                      "created_at": _when(a["created_at"])} for a in accounts],
        "activity": activity,
    }
    with writing(session):
        repository.add_audit(session, actor=scope.actor.label, actor_user_id=scope.account_id,
                             organisation_id=scope.organisation_id, action="privacy.export", entity="person",
                             entity_id=employee_id or "", details={"assessments": len(history),
                                                                   "activity": len(activity)})
    return data


def _scrub(value: Any, exact: Mapping[str, str], within: Mapping[str, str]) -> Any:
    """`value` (audit JSON) with strings equal to a key of `exact`, or containing one of `within`, replaced.

    Ids are replaced only whole (a short id may be part of other text); names and emails wherever they appear.
    """
    if isinstance(value, str):
        if value in exact:
            return exact[value]
        for text, replacement in within.items():
            value = value.replace(text, replacement)
        return value
    if isinstance(value, list):
        return [_scrub(v, exact, within) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, exact, within) for k, v in value.items()}
    return value


def erase_person(session: Session, scope: Scope, employee_id: str, *, expected_version: int) -> str:
    """Erase a person's personal data (HR only) and return the pseudonym that replaces their employee id.

    They are archived if they were not; their levels and assessment dates stay as
    anonymous history. Raises `StaleWrite` for a stale version and
    `RosterConflict` for one's own record or someone already erased.
    """
    row = roster_person(session, scope, employee_id)  # HR only; NotFound for nobody
    if row.erased_at is not None:
        raise RosterConflict("this person's personal data was erased already")
    if employee_id == scope.employee_id:
        raise RosterConflict("you cannot erase your own record; ask another HR administrator")
    pseudonym = f"erased-{secrets.token_hex(6)}"
    now = utcnow()
    with writing(session):
        row = roster_person(session, scope, employee_id)
        accounts = repository.linked_accounts(session, person_id=row.id)
        account_ids = [a["id"] for a in accounts]
        within = {text: ERASED_NAME for text in (row.name, row.email, *(a["email"] for a in accounts)) if text}
        exact = {employee_id: pseudonym}
        if not repository.bump_person_version(session, person_id=row.id, expected_version=expected_version, values={
                "employee_id": pseudonym, "name": ERASED_NAME, "email": "", "manager_id": None,
                "archived_at": row.archived_at or now, "erased_at": now}):
            raise StaleWrite("person", employee_id, expected_version, row.version)
        kept = repository.erase_assessment_text(session, person_id=row.id)
        repository.replace_author(session, account_ids=account_ids, labels=[a["email"] for a in accounts],
                                  label=ERASED_NAME)
        for account in accounts:
            repository.close_account(session, account_id=account["id"],
                                     email=f"{pseudonym}-{account['id']}@erased.invalid")
        rewritten = []
        for audit in repository.audit_rows_naming(session, organisation_id=scope.organisation_id,
                                                  account_ids=account_ids, texts=[*within, employee_id]):
            theirs = audit["actor_user_id"] in account_ids or audit["actor"] in within
            rewritten.append({
                **{k: _scrub(audit[k], exact, within) for k in ("entity_id", "before", "after", "details")},
                "id": audit["id"],
                "actor": ERASED_NAME if theirs else audit["actor"],
                "actor_user_id": None if theirs else audit["actor_user_id"],
            })
            if theirs:  # what they did: their sign-in addresses and the like go with them
                rewritten[-1]["details"] = None
        repository.rewrite_audit_rows(session, rows=rewritten)
        repository.rebuild_team_managers(session, organisation_id=scope.organisation_id)
        repository.add_audit(session, actor=scope.actor.label, actor_user_id=scope.account_id,
                             organisation_id=scope.organisation_id, action="person.erase", entity="person",
                             entity_id=pseudonym, details={"assessments_kept": kept, "accounts_closed": len(accounts)},
                             at=now)
    return pseudonym
