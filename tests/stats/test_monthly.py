from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from scomm.policy import Level, shipped_policy
from scomm.stats import BookingFacts, monthly_statistics, totals
from scomm.stats.whatif import replay


def fact(month: int, *, matched=False, level=None, detainer=False, outcome=None, status=None, fips="25025"):
    return BookingFacts(fips, date(2010, month, 3), True, matched, True if matched else None, level, detainer,
                        outcome, None, status)


def test_monthly_rows_count_the_funnel_and_the_share_without_conviction():
    facts = [fact(1), fact(1), fact(1, matched=True, level=Level.NON_CRIMINAL, detainer=True, outcome="removed",
                                  status="visa_overstay"),
             fact(1, matched=True, level=Level.LEVEL_1, detainer=True, outcome="removed", status="prior_removal"),
             fact(2, matched=True, level=Level.NON_CRIMINAL, detainer=True, outcome="released", status="visa_overstay")]
    rows = monthly_statistics(facts)
    assert [(r.month, r.submissions, r.matches, r.detainers, r.removals) for r in rows] == [
        ("2010-01", 4, 2, 2, 2), ("2010-02", 1, 1, 1, 0)]
    assert rows[0].removals_without_conviction_share == 0.5
    assert rows[1].removals_without_conviction_share is None


def test_restrictive_replay_drops_non_level_1_removals():
    facts = [fact(1, matched=True, level=Level.NON_CRIMINAL, detainer=True, outcome="removed", status="visa_overstay"),
             fact(1, matched=True, level=Level.LEVEL_1, detainer=True, outcome="removed", status="prior_removal")]
    r = replay(facts, shipped_policy("restrictive-level1"))
    tot = totals(monthly_statistics(r.facts))
    assert (tot.detainers, tot.removals, r.removals_avoided) == (1, 1, 1)
    assert tot.removals_by_level[Level.LEVEL_1] == 1


levels = st.sampled_from(list(Level))
facts_st = st.lists(st.builds(
    BookingFacts, st.sampled_from(["25025", "25017"]), st.dates(date(2010, 1, 1), date(2010, 12, 31)), st.booleans(),
    st.booleans(), st.booleans(), levels, st.booleans(), st.sampled_from([None, "removed", "released", "convicted"]),
    levels, st.sampled_from([None, "visa_overstay", "naturalized_citizen"])), max_size=40)


@given(facts_st)
def test_monthly_rows_add_up_to_the_totals(facts):
    rows = monthly_statistics(facts)
    tot = totals(rows)
    assert tot.submissions == len(facts)
    assert tot.removals == sum(f.outcome == "removed" for f in facts) == sum(tot.removals_by_level.values())


@given(facts_st)
def test_a_stricter_replay_never_adds_removals(facts):
    before = totals(monthly_statistics(facts)).removals
    after = totals(monthly_statistics(replay(facts, shipped_policy("restrictive-level1")).facts)).removals
    assert after <= before
