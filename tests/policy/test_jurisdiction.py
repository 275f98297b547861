from collections import Counter
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from scomm.policy import ActivationChange, ActivationState, Jurisdiction, real_activation_registry


def test_real_registry_has_every_county_and_the_published_rollout():
    reg = real_activation_registry()
    assert len(reg) == 3143
    first = {f: j.history[0].effective for f, j in reg.items()}
    assert min(first.values()) == date(2008, 10, 27) and first["48201"] == date(2008, 10, 27)  # Harris, TX
    assert first["25025"] == date(2008, 11, 5) and first["17031"] == date(2013, 1, 22)
    by_year = Counter(d.year for d in first.values())
    cumulative = {y: sum(n for yy, n in by_year.items() if yy <= y) for y in range(2008, 2014)}
    assert cumulative == {2008: 14, 2009: 105, 2010: 895, 2011: 1994, 2012: 3037, 2013: 3143}


def test_opt_out_is_honoured_from_its_date():
    j = Jurisdiction("25025", "MA", "Suffolk", (ActivationChange(date(2008, 11, 5), ActivationState.PILOT),))
    j = j.with_change(ActivationChange(date(2011, 6, 1), ActivationState.OPTED_OUT, "state withdrew"))
    assert j.state_on(date(2008, 1, 1)) is ActivationState.NOT_ACTIVATED
    assert j.state_on(date(2009, 1, 1)).searches_immigration
    assert j.state_on(date(2011, 6, 1)) is ActivationState.OPTED_OUT
    assert not j.state_on(date(2012, 1, 1)).searches_immigration


@given(st.lists(st.tuples(st.dates(date(2008, 1, 1), date(2014, 1, 1)), st.sampled_from(list(ActivationState))),
                max_size=8), st.dates(date(2007, 1, 1), date(2015, 1, 1)))
def test_state_on_a_day_is_the_latest_change_effective_by_then(changes, day):
    j = Jurisdiction("00001", "XX", "Test")
    latest: dict[date, ActivationState] = {}
    for d, s in changes:
        j = j.with_change(ActivationChange(d, s))
        latest[d] = s
    past = [d for d in latest if d <= day]
    expected = latest[max(past)] if past else ActivationState.NOT_ACTIVATED
    assert j.state_on(day) is expected
