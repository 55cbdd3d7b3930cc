"""Who a verified identity from the OpenID provider is: the roster decides, the HR group makes HR, and what
cannot be matched is refused and audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.db import repository
from planner.db.tables import AuditRow
from planner.services.identity import create_organisation, deactivate_user
from planner.services.sso import SsoRefused, sso_sign_in
from planner.services.transactions import Actor

from .support import SEED_PEOPLE, import_bytes


@pytest.fixture
def roster(session):
    create_organisation(session, name="Acme", actor=Actor("t"))
    import_bytes(session, SEED_PEOPLE.read_bytes())
    return session


def sign_in(session, email: str, *, verified=True, groups=()):
    return sso_sign_in(session, claims={"sub": email, "email": email, "email_verified": verified,
                                        "groups": list(groups)},
                       hr_group="planner-hr", groups_claim="groups", remote_addr="127.0.0.1")


def refusals(session) -> list[dict]:
    return list(session.execute(select(AuditRow.details).where(AuditRow.action == "auth.sso_refused")).scalars())


def test_the_first_sign_in_makes_an_account_with_the_role_the_roster_gives(roster):
    manager, individual = sign_in(roster, "Aisha.Voss@meridian.example"), sign_in(roster, "uma.patel@meridian.example")
    assert (manager.email, manager.role, manager.employee_id) == ("aisha.voss@meridian.example", "manager", "E1013")
    assert (individual.role, individual.employee_id) == ("individual", "E1015")
    assert sign_in(roster, "uma.patel@meridian.example").id == individual.id  # the same account next time


def test_the_hr_group_makes_hr_and_leaving_it_gives_the_roster_role_back(roster):
    assert sign_in(roster, "qing.dunn@meridian.example", groups=["planner-hr"]).role == "hr"
    assert sign_in(roster, "qing.dunn@meridian.example").role == "manager"


def test_an_unverified_or_unknown_email_and_a_deactivated_account_are_refused_and_audited(roster):
    with pytest.raises(SsoRefused, match="has not verified"):
        sign_in(roster, "uma.patel@meridian.example", verified=False)
    with pytest.raises(SsoRefused, match="is not on this organisation's roster"):
        sign_in(roster, "stranger@elsewhere.example")
    account = sign_in(roster, "uma.patel@meridian.example")
    deactivate_user(roster, organisation_id=account.organisation_id, account_id=account.id, actor=Actor("t"))
    with pytest.raises(SsoRefused, match="deactivated"):
        sign_in(roster, "uma.patel@meridian.example")
    assert [d["reason"] for d in refusals(roster)] == ["unverified_email", "unknown_email", "deactivated"]
    assert repository.find_account(roster, email="stranger@elsewhere.example") is None


def test_a_leaver_archived_from_the_roster_cannot_sign_in_or_be_invited(roster):
    from planner.services.access import scope_for
    from planner.services.accounts import create_account
    from planner.services.invitations import people_without_accounts
    from planner.services.roster import archive_person

    org = repository.find_organisation(roster, name="Acme")
    hr = create_account(roster, organisation_id=org.id, email="hr@acme.example", password="long-enough", role="hr",
                        employee_id=None, actor=Actor("t"))
    leaver = repository.get_person(roster, organisation_id=org.id, employee_id="E1015")
    archive_person(roster, scope_for(roster, hr), "E1015", expected_version=leaver.version)
    with pytest.raises(SsoRefused, match="is not on this organisation's roster"):
        sign_in(roster, "uma.patel@meridian.example")
    assert "E1015" not in {p.employee_id for p in people_without_accounts(roster, organisation_id=org.id)}
