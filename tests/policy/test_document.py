import pytest
from hypothesis import given
from hypothesis import strategies as st

from scomm.errors import PolicyError
from scomm.policy import (
    SHIPPED_POLICIES,
    ImmigrationStatus,
    Level,
    Recipient,
    decide,
    determine_status,
    parse_policy,
    shipped_policy,
)

VALID = """
id = "p"
version = 1
[detainer]
act_on_levels = ["LEVEL_1"]
"""


@pytest.mark.parametrize("pid", SHIPPED_POLICIES)
def test_shipped_policies_parse(pid):
    p = shipped_policy(pid)
    assert p.id == pid and p.version >= 1 and len(p.digest) == 64


@pytest.mark.parametrize(("text", "field"), [
    ("version = 1\n[detainer]\nact_on_levels=[]", "id"),
    ('id="p"\n[detainer]\nact_on_levels=[]', "version"),
    ('id="p"\nversion=1', "detainer"),
    ('id="p"\nversion=1\n[detainer]\nact_on_levels=["LEVEL_9"]', "detainer.act_on_levels[0]"),
    ('id="p"\nversion=1\n[detainer]\nact_on_levels=[]\nform="I-999"', "detainer.form"),
    ('id="p"\nversion=1\nlevel_rules="x"\n[detainer]\nact_on_levels=[]', "level_rules"),
    ('id="p"\nversion="1"\n[detainer]\nact_on_levels=[]', "version"),
    ("id = [", "policy"),
])
def test_invalid_policy_names_the_field(text, field):
    with pytest.raises(PolicyError) as err:
        parse_policy(text)
    assert err.value.field == field


levels = st.sampled_from(list(Level))
statuses = st.sampled_from(list(ImmigrationStatus))


@given(statuses, levels)
def test_restrictive_policy_detains_only_removable_level_1(status, level):
    d = decide(shipped_policy("restrictive-level1"), determine_status(status, level), level)
    assert d.detainer == (level is Level.LEVEL_1 and determine_status(status, level).removable)


@given(statuses, levels)
def test_historical_policy_detains_every_removable_hit(status, level):
    det = determine_status(status, level)
    d = decide(shipped_policy("historical-2008"), det, level)
    assert d.detainer == det.removable
    assert (d.policy_id, d.policy_version) == ("historical-2008", 1)


@given(levels)
def test_a_naturalised_citizen_is_never_detained(level):
    for pid in SHIPPED_POLICIES:
        det = determine_status(ImmigrationStatus.NATURALIZED_CITIZEN, level)
        assert not decide(shipped_policy(pid), det, level).detainer


def test_agency_is_told_of_a_detainer_even_when_it_chose_not_to_receive_iars():
    p = shipped_policy("restrictive-level1")
    d = decide(p, determine_status(ImmigrationStatus.VISA_OVERSTAY, Level.LEVEL_1), Level.LEVEL_1)
    kinds = {(n.recipient, n.message) for n in d.notifications}
    assert (Recipient.ORIGINATING_AGENCY, "DETAINER") in kinds
    assert (Recipient.ORIGINATING_AGENCY, "IAR") not in kinds
    assert (Recipient.FIELD_OFFICE, "IAR") in kinds


def test_minimal_policy_defaults_are_explicit():
    p = parse_policy(VALID)
    assert p.require_removable and p.detainer_form == "I-247" and p.level_rules == "morton-2010"
