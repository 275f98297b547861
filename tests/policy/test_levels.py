from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scomm.errors import PolicyError
from scomm.policy import (
    Conviction,
    Level,
    PendingCharge,
    compute_level,
    conviction_level,
    default_offense_table,
)

D = date(2010, 1, 1)


def conv(code: str, sentence: int = 0) -> Conviction:
    return Conviction(code, D, sentence)


@pytest.mark.parametrize(("convictions", "expected"), [
    ([], Level.NON_CRIMINAL),
    ([conv("5499")], Level.LEVEL_3),                          # one traffic misdemeanour
    ([conv("5499"), conv("5311")], Level.LEVEL_3),            # two misdemeanours
    ([conv("5499"), conv("5311"), conv("2303")], Level.LEVEL_2),  # three misdemeanours
    ([conv("2604")], Level.LEVEL_2),                          # one felony (fraud), not aggravated
    ([conv("2604"), conv("3599")], Level.LEVEL_1),            # two felonies
    ([conv("0911")], Level.LEVEL_1),                          # homicide: aggravated felony
    ([conv("2202", 200)], Level.LEVEL_2),                     # burglary under a year: felony, not aggravated
    ([conv("2202", 400)], Level.LEVEL_1),                     # burglary with >= 1 year: aggravated
    ([conv("3510")], Level.LEVEL_1),                          # drug trafficking
])
def test_morton_levels_follow_the_conviction_rules(convictions, expected):
    assert conviction_level(convictions) is expected


codes = st.sampled_from(sorted(default_offense_table().entries)).map(lambda c: c if len(c) == 4 else c + "99")
convictions_st = st.lists(st.builds(Conviction, codes, st.just(D), st.integers(0, 4000)), max_size=6)
charges_st = st.lists(st.builds(PendingCharge, codes, st.just(D)), max_size=6)
ORDER = [Level.NON_CRIMINAL, Level.LEVEL_3, Level.LEVEL_2, Level.LEVEL_1]


@given(charges_st)
def test_arrests_alone_are_never_a_conviction(charges):
    assert compute_level("morton-2010", [], charges) is Level.NON_CRIMINAL


@given(convictions_st, charges_st)
def test_pending_charges_never_change_the_conviction_level(convictions, charges):
    assert compute_level("morton-2010", convictions, charges) is conviction_level(convictions)


@given(convictions_st, st.builds(Conviction, codes, st.just(D), st.integers(0, 4000)))
def test_another_conviction_never_lowers_the_level(convictions, extra):
    assert ORDER.index(conviction_level([*convictions, extra])) >= ORDER.index(conviction_level(convictions))


@given(convictions_st, charges_st)
def test_the_2008_offense_category_level_is_never_below_the_conviction_level(convictions, charges):
    old = compute_level("offense-category-2008", convictions, charges)
    assert ORDER.index(old) >= ORDER.index(conviction_level(convictions))


def test_2008_rules_counted_a_mere_charge_as_level_1():
    assert compute_level("offense-category-2008", [], [PendingCharge("1299", D)]) is Level.LEVEL_1
    assert compute_level("morton-2010", [], [PendingCharge("1299", D)]) is Level.NON_CRIMINAL


def test_unknown_rule_set_is_refused_by_name():
    with pytest.raises(PolicyError, match="level_rules"):
        compute_level("made-up", [])


def test_offense_lookup_prefers_exact_code_then_family_then_unknown():
    t = default_offense_table()
    assert t.lookup("1313").description == "simple assault"
    assert t.lookup("1399").description == "assault"
    assert t.lookup("9999").code == "0399"
