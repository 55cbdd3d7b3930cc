"""Properties of gated practice scoring that must hold for any set of answers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planner.domain.practices import LADDERS, Answer, score_practices
from planner.loaders import load_practice_rubric

PRACTICES = load_practice_rubric()
IDS = [p.id for p in PRACTICES.practices]

answer_sets = st.dictionaries(st.sampled_from(IDS), st.sampled_from(list(Answer)))


def levels(answers) -> tuple[int, ...]:
    result = score_practices(PRACTICES, answers)
    return tuple(result.positions[slug].level for slug in LADDERS)


@given(answer_sets, st.sampled_from(IDS))
def test_answering_yes_to_one_more_practice_never_lowers_either_level(answers, practice_id):
    before, after = levels(answers), levels({**answers, practice_id: Answer.YES})
    assert all(a >= b for a, b in zip(after, before))


@given(answer_sets, st.sampled_from(IDS))
def test_partial_never_beats_yes(answers, practice_id):
    partial, yes = levels({**answers, practice_id: Answer.PARTIAL}), levels({**answers, practice_id: Answer.YES})
    assert all(p <= y for p, y in zip(partial, yes))


@given(answer_sets)
def test_levels_and_shares_stay_within_range(answers):
    result = score_practices(PRACTICES, answers)
    for slug in LADDERS:
        position = result.positions[slug]
        assert 1 <= position.level <= position.ladder.top
        assert position.level <= position.reach or position.level == 1
        assert all(0.0 <= share <= 1.0 for share in position.shares)


@given(answer_sets)
def test_a_held_level_has_every_level_from_two_up_to_it_at_the_threshold(answers):
    result = score_practices(PRACTICES, answers)
    for slug in LADDERS:
        position = result.positions[slug]
        assert all(round(share, 9) >= PRACTICES.threshold for share in position.shares[1: position.level])


@given(answer_sets)
def test_no_practice_counts_as_ungrounded_within_one_level_of_the_level_held(answers):
    result = score_practices(PRACTICES, answers)
    for slug in LADDERS:
        position = result.positions[slug]
        assert all(p.level_on(slug) >= position.level + 2 for p in position.ungrounded)


@given(answer_sets)
def test_the_order_of_the_answers_does_not_change_the_levels(answers):
    assert levels(answers) == levels(dict(reversed(list(answers.items()))))
