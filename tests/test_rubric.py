"""The rubric file: the shipped one loads, and a broken one is refused naming the key."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.domain.model import DOMAINS, DevelopmentSpec
from planner.domain.rubric import RubricError, parse_rubric
from planner.loaders import load_rubric, parse_rubric_toml


def test_shipped_rubric_has_the_eaism_matrix_levels_and_tracks(rubric):
    assert [d.slug for d in rubric.domains] == list(DOMAINS)
    assert [lv.title for lv in rubric.levels] == [
        "AI Consumer", "AI Builder", "AI Systems Engineer", "AI Architect", "AI Transformation Leader",
    ]
    assert [s.number for s in rubric.stages] == [1, 2, 3, 4, 5]
    assert [p.level for p in rubric.phases if p.critical] == [3]
    assert {t.slug for t in rubric.tracks} == {"software_engineer", "product_manager", "data_professional", "business"}


def test_shipped_rubric_reads_stages_on_the_tracks_that_build_ai(rubric):
    assert set(rubric.workforce) == {"software_engineer", "data_professional", "product_manager"}
    assert all(rubric.workforce.values())
    assert not rubric.in_workforce("business")


def test_shipped_stage_gates_ask_for_shares_and_never_more_than_one_person(rubric):
    """A min_count above 1 would hold a small capable team back and make ten copies of a team climb."""
    requirements = [r for s in rubric.stages for r in (*s.people, *s.coverage)]
    assert requirements and all(r.min_count <= 1 for r in requirements)


def test_a_rubric_without_a_workforce_table_counts_every_track(rubric_data):
    del rubric_data["workforce"]
    assert set(parse_rubric(rubric_data).workforce) == {
        "software_engineer", "data_professional", "product_manager", "business"}


def test_shipped_rubric_keeps_the_matrix_na_cells(rubric):
    na = {(d.slug, lv) for d in rubric.domains for lv in range(1, 6) if not d.applies_at(lv)}
    assert na == {
        ("rag_retrieval", 1), ("evaluation", 1), ("observability", 1), ("governance", 1), ("governance", 2),
    }


def test_shipped_rubric_level_rules_are_the_documented_defaults(rubric):
    rules = {lv.number: (set(lv.core), lv.min_domains) for lv in rubric.levels}
    assert rules == {
        1: ({"prompting"}, 1),
        2: ({"prompting", "apis_integration"}, 3),
        3: ({"evaluation", "observability", "apis_integration"}, 4),
        4: ({"governance", "strategy"}, 4),
        5: ({"strategy"}, 3),
    }
    assert rubric.cumulative


def _set(path: str, value):
    """A mutation that sets the dotted `path` (``del`` when value is `_DELETE`)."""

    def mutate(data: dict) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[key]
        if value is _DELETE:
            del data[last]
        else:
            data[last] = value

    return mutate


_DELETE = object()

BROKEN = {
    "missing domain": (_set("domains.evaluation", _DELETE), "domains.evaluation"),
    "unknown domain": (_set("domains.vibes", {"name": "Vibes", "descriptors": ["x"] * 5}), "domains.vibes"),
    "four descriptors": (_set("domains.prompting.descriptors", ["a", "b", "c", "d"]), "domains.prompting.descriptors"),
    "blank descriptor": (_set("domains.security.descriptors", ["a", " ", "c", "d", "e"]),
                         "domains.security.descriptors[1]"),
    "domain all n/a": (_set("domains.governance.descriptors", ["n/a"] * 5), "domains.governance.descriptors"),
    "missing level": (_set("levels.4", _DELETE), "levels.4"),
    "level 6": (_set("levels.6", {"title": "Oracle"}), "levels.6"),
    "core domain n/a at its level": (_set("levels.2.core", ["prompting", "governance"]), "levels.2.core[1]"),
    "core domain unknown": (_set("levels.3.core", ["evals"]), "levels.3.core[0]"),
    "core domain twice": (_set("levels.1.core", ["prompting", "prompting"]), "levels.1.core"),
    "min_domains above the matrix": (_set("levels.3.min_domains", 9), "levels.3.min_domains"),
    "min_domains below the core": (_set("levels.3.min_domains", 2), "levels.3.min_domains"),
    "boolean min_domains": (_set("levels.1.min_domains", True), "levels.1.min_domains"),
    "text min_domains": (_set("levels.1.min_domains", "3"), "levels.1.min_domains"),
    "empty title": (_set("levels.2.title", "  "), "levels.2.title"),
    "stage 1 with requirements": (_set("stages.1.people", [{"level": 1, "min_count": 1}]), "stages.1"),
    "stage without people": (_set("stages.3.people", []), "stages.3.people"),
    "requirement asks nothing": (_set("stages.2.people", [{"level": 1}]), "stages.2.people[0]"),
    "share of 1 or more": (_set("stages.2.people", [{"level": 1, "min_share": 1.5}]), "stages.2.people[0].min_share"),
    "requirement level 6": (_set("stages.2.people", [{"level": 6, "min_count": 1}]), "stages.2.people[0].level"),
    "unknown requirement key": (_set("stages.2.people", [{"level": 1, "min_count": 1, "team": "x"}]),
                                "stages.2.people[0].team"),
    "coverage of an n/a cell": (_set("stages.3.coverage", [{"level": 2, "domain": "governance", "min_count": 1}]),
                                "stages.3.coverage[0].domain"),
    "no critical phase": (_set("phases.3.critical", False), "phases"),
    "development window of 0": (_set("phases.3.develop_within", 0), "phases.3.develop_within"),
    "no development pace": (_set("development.effort_per_quarter", 0), "development.effort_per_quarter"),
    "four minimum times": (_set("development.min_quarters", [1, 1, 2, 2]), "development.min_quarters"),
    "negative minimum time": (_set("development.min_quarters", [1, -1, 2, 2, 2]), "development.min_quarters[1]"),
    "horizon of 100 quarters": (_set("development.horizon_quarters", 100), "development.horizon_quarters"),
    "literacy without its level": (_set("tracks.product_manager.literacy_level", _DELETE),
                                   "tracks.product_manager.literacy_level"),
    "literacy that is practice": (_set("tracks.product_manager.literacy", {"evaluation": 3, "observability": 3,
                                                                           "apis_integration": 3, "strategy": 3}),
                                  "tracks.product_manager.literacy"),
    "literacy at the goal level": (_set("tracks.business.literacy_level", 1), "tracks.business.literacy_level"),
    "unknown track": (_set("tracks.designer", {"name": "Designer"}), "tracks.designer"),
    "missing track": (_set("tracks.business", _DELETE), "tracks.business"),
    "track profile that does not earn its level": (
        _set("tracks.software_engineer.profiles.3", {"prompting": 3, "apis_integration": 3}),
        "tracks.software_engineer.profiles.3",
    ),
    "decreasing track profile": (
        _set("tracks.software_engineer.profiles.4.apis_integration", 2),
        "tracks.software_engineer.profiles.4.apis_integration",
    ),
    "track level out of range": (_set("tracks.business.profiles.1.prompting", 7), "tracks.business.profiles.1.prompting"),
    "zero effort": (_set("tracks.business.effort", {"prompting": 0}), "tracks.business.effort.prompting"),
    "goal level 0": (_set("tracks.business.goal_level", 0), "tracks.business.goal_level"),
    "text where a boolean belongs": (_set("rules.cumulative", "yes"), "rules.cumulative"),
    "senior level out of range": (_set("rules.senior_strategy_level", 9), "rules.senior_strategy_level"),
    "negative builders": (_set("rules.min_builders_before_l3", -1), "rules.min_builders_before_l3"),
    "builders by the quintillion": (_set("rules.min_builders_before_l3", 10**18), "rules.min_builders_before_l3"),
    "a million people at a stage": (_set("stages.2.people", [{"level": 1, "min_count": 10**6}]),
                                    "stages.2.people[0].min_count"),
    "a million people covering a domain": (
        _set("stages.3.coverage", [{"level": 3, "domain": "evaluation", "min_count": 10**6}]),
        "stages.3.coverage[0].min_count"),
    "infinite switch effort": (_set("rules.track_switch_effort", float("inf")), "rules.track_switch_effort"),
    "not-a-number effort": (_set("tracks.business.effort", {"prompting": float("nan")}),
                            "tracks.business.effort.prompting"),
    "effort by the million": (_set("tracks.business.effort", {"prompting": 1e6}), "tracks.business.effort.prompting"),
    "missing rubric name": (_set("rubric.name", _DELETE), "rubric.name"),
    "track in neither workforce list": (_set("workforce.outside", {}), "workforce.tracks.business"),
    "track in both workforce lists": (_set("workforce.outside.software_engineer", "x"),
                                      "workforce.tracks.software_engineer"),
    "unknown workforce track": (_set("workforce.tracks.designer", "x"), "workforce.tracks.designer"),
    "workforce track without a why": (_set("workforce.tracks.product_manager", ""),
                                      "workforce.tracks.product_manager"),
    "empty workforce": (_set("workforce", {"tracks": {}, "outside": dict.fromkeys(
        ["software_engineer", "product_manager", "data_professional", "business"], "x")}), "workforce.tracks"),
    "leadership level 1": (_set("rules.leadership_level", 1), "rules.leadership_level"),
    "thin share above 1": (_set("signals.thin_l3_share", 1.5), "signals.thin_l3_share"),
    "signal level 7": (_set("signals.prompting_alone_level", 7), "signals.prompting_alone_level"),
    "unknown signal": (_set("signals.vibes", 1), "signals.vibes"),
}


@pytest.mark.parametrize("mutate, key", BROKEN.values(), ids=BROKEN.keys())
def test_broken_rubric_is_refused_naming_the_key(rubric_data, mutate, key):
    mutate(rubric_data)
    with pytest.raises(RubricError) as caught:
        parse_rubric(rubric_data)
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{key}: ")


def test_a_rubric_stored_before_development_time_still_loads(rubric_data):
    """Versions stored with the old fixed raise count (promotion_max_gap) keep working; the count is unused."""
    rubric_data["phases"]["3"]["promotion_max_gap"] = 3
    del rubric_data["development"]
    assert parse_rubric(rubric_data).development == DevelopmentSpec()


def test_a_track_profile_that_falls_short_says_by_how_much(rubric_data):
    _set("tracks.software_engineer.profiles.3", {"prompting": 3, "apis_integration": 3})(rubric_data)
    with pytest.raises(RubricError, match=r"does not earn level 3 .*evaluation \+3"):
        parse_rubric(rubric_data)


def test_tuned_rubric_is_accepted_and_used(rubric_data):
    _set("levels.2.min_domains", 2)(rubric_data)
    _set("rules.cumulative", False)(rubric_data)
    tuned = parse_rubric(rubric_data)
    assert tuned.level(2).min_domains == 2
    assert not tuned.cumulative


def test_rubric_file_with_bad_toml_is_refused_naming_the_file(tmp_path, shipped_rubric_path):
    path = tmp_path / "mine.toml"
    path.write_text(shipped_rubric_path.read_text(encoding="utf-8") + "\n[levels.1\n", encoding="utf-8")
    with pytest.raises(RubricError, match=r"mine\.toml: not valid TOML"):
        load_rubric(path)


def test_rubric_file_errors_name_the_file_then_the_key(tmp_path, shipped_rubric_path):
    path = tmp_path / "mine.toml"
    path.write_text(shipped_rubric_path.read_text(encoding="utf-8").replace("min_domains = 4", "min_domains = 40", 1))
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    assert str(caught.value).startswith("mine.toml: levels.3.min_domains: must be between")


def test_rubric_check_accepts_the_shipped_file(shipped_rubric_path):
    result = CliRunner().invoke(cli, ["rubric", "check", str(shipped_rubric_path)])
    assert result.exit_code == 0
    assert "ok (Enterprise AI Skills Maturity Model" in result.stdout


def test_rubric_check_refuses_a_broken_file_with_one_line_and_exit_2(tmp_path, shipped_rubric_path):
    path = tmp_path / "mine.toml"
    path.write_text(shipped_rubric_path.read_text(encoding="utf-8").replace('core = ["strategy"]', 'core = ["vision"]'))
    result = CliRunner().invoke(cli, ["rubric", "check", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "planner: mine.toml: levels.5.core[0]: unknown domain 'vision' (known: " + ", ".join(DOMAINS) + ")"
    ]


def test_a_dotted_key_of_100000_parts_is_refused_before_parsing_naming_the_line(tmp_path, shipped_rubric_path):
    path = tmp_path / "deep.toml"
    path.write_text(shipped_rubric_path.read_text(encoding="utf-8") + "a" + ".a" * 99_999 + " = 1\n")
    result = CliRunner().invoke(cli, ["rubric", "check", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("planner: ")
    assert "deep.toml: line " in lines[0] and "more than 16 dotted parts" in lines[0]


def test_a_table_header_too_deep_is_refused_like_a_dotted_key():
    with pytest.raises(RubricError, match="line 2: a key of more than 16 dotted parts"):
        parse_rubric_toml("mine.toml", "# deep\n[" + ".".join(["t"] * 17) + "]\n")


def test_a_rubric_larger_than_the_limit_is_refused_before_parsing():
    with pytest.raises(RubricError, match="larger than the limit of 262,144 characters"):
        parse_rubric_toml("big.toml", "# " + "x" * 262_144 + "\n")
