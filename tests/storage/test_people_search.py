"""The people list: searched, filtered and paged in the database, within what the reader may see (both backends)."""

from __future__ import annotations

from collections import Counter

import pytest

from planner.db import repository
from planner.domain.model import DOMAINS
from planner.domain.scoring import score_people
from planner.services.access import Scope
from planner.services.directory import PeopleSearch, find_people
from planner.db.tables import utcnow
from planner.services.rubrics import organisation_rubric
from planner.services.transactions import writing
from storage.support import import_bytes, people_csv, synthetic_people

PEOPLE = synthetic_people(120)  # teams of ten: team-0 .. team-11


@pytest.fixture
def acme(session):
    import_bytes(session, people_csv(PEOPLE))
    return repository.find_organisation(session, name="Acme")


def scope(acme, role: str, employee_id: str | None = None, teams=()) -> Scope:
    return Scope(1, acme.id, role, "reader@example.com", employee_id, frozenset(teams))


def everyone(session, reader: Scope, **search) -> list:
    """Every page of a search, followed to the end, as employee ids in the order listed."""
    ids, page = [], 1
    while True:
        found = find_people(session, reader, PeopleSearch(**search, page=page, per_page=7))
        ids += [s.person.employee_id for s in found.scores]
        if not found.has_next:
            return ids
        page += 1


def test_hr_pages_through_the_whole_organisation_by_name_each_person_once(session, acme):
    hr = scope(acme, "hr")
    listed = everyone(session, hr)
    by_name = sorted(PEOPLE, key=lambda p: (p["name"], p["employee_id"]))
    assert listed == [p["employee_id"] for p in by_name]
    first = find_people(session, hr, PeopleSearch(per_page=7))
    assert (first.total, first.pages, len(first.scores)) == (120, 18, 7)


def test_a_manager_finds_only_their_teams_and_themselves(session, acme):
    manager = scope(acme, "manager", "P000050", teams=["team-1", "team-2"])
    listed = set(everyone(session, manager))
    assert listed == {p["employee_id"] for p in PEOPLE if p["team"] in ("team-1", "team-2")} | {"P000050"}
    assert everyone(session, manager, team="team-7") == []


def test_an_individual_finds_only_themselves(session, acme):
    assert everyone(session, scope(acme, "individual", "P000033")) == ["P000033"]


def test_name_search_matches_part_of_a_name_or_id_in_any_case_and_wildcards_are_literal(session, acme):
    hr = scope(acme, "hr")
    assert set(everyone(session, hr, name="PERSON 11")) == {f"P{n:06d}" for n in (11, *range(110, 120))}
    assert everyone(session, hr, name="p000007") == ["P000007"]
    assert everyone(session, hr, name="%") == everyone(session, hr, name="_") == []


def test_a_domain_level_filter_finds_evaluation_at_l3_or_above_in_one_team(session, acme):
    found = everyone(session, scope(acme, "hr"), team="team-3", domain="evaluation", min_domain_level=3)
    assert set(found) == {p["employee_id"] for p in PEOPLE if p["team"] == "team-3" and p["evaluation"] >= 3}
    assert found


def test_the_level_filter_keeps_exactly_the_people_holding_that_level(session, acme):
    hr = scope(acme, "hr")
    rubric = organisation_rubric(session, organisation_id=acme.id).rubric
    held = {s.person.employee_id: s.level
            for s in score_people(rubric, repository.load_people(session, organisation_id=acme.id))}
    for level in sorted(set(held.values())):
        assert set(everyone(session, hr, level=level, track="software_engineer")) == {
            p["employee_id"] for p in PEOPLE if held[p["employee_id"]] == level and p["track"] == "software_engineer"}
    assert set(everyone(session, hr, level=5)) == {e for e, lv in held.items() if lv == 5}


def test_a_page_past_the_end_is_empty(session, acme):
    found = find_people(session, scope(acme, "hr"), PeopleSearch(page=99, per_page=50))
    assert (found.scores, found.total, found.has_next) == ((), 120, False)


def test_profile_counts_group_the_organisation_in_the_database(session, acme):
    groups = repository.profile_counts(session, organisation_id=acme.id,
                                       people_filter=repository.PeopleFilter(track="software_engineer"))
    expected = Counter((tuple(p[d] for d in DOMAINS), p["track"], p["team"]) for p in PEOPLE
                       if p["track"] == "software_engineer")
    assert {(levels, track, team): count for levels, track, team, count in groups} == expected


def test_people_who_have_left_are_never_listed_or_counted(session, acme):
    leaver = repository.get_person(session, organisation_id=acme.id, employee_id="P000042")
    with writing(session):
        repository.archive_people(session, organisation_id=acme.id, person_ids=[leaver.id], at=utcnow())
    hr = scope(acme, "hr")
    assert "P000042" not in everyone(session, hr)
    assert find_people(session, hr, PeopleSearch(name="P000042")).total == 0
    groups = repository.profile_counts(session, organisation_id=acme.id, people_filter=repository.PeopleFilter())
    assert sum(count for *_, count in groups) == 119


def test_a_domain_alone_keeps_people_assessed_in_it_and_a_level_alone_looks_across_domains(session, acme):
    hr = scope(acme, "hr")
    assert len(everyone(session, hr, domain="security")) == 120
    assert set(everyone(session, hr, min_domain_level=5, team="team-0")) == {
        p["employee_id"] for p in PEOPLE if p["team"] == "team-0" and max(p[d] for d in DOMAINS) >= 5}
