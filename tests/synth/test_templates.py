"""The template path: determinism, the Template contract, and impression geometry."""

from __future__ import annotations

import numpy as np
import pytest

from scomm.biometrics.template import FingerPosition, ImpressionType, Template
from scomm.synth import (
    FINGERS,
    PatternClass,
    impression_of,
    impression_template,
    make_person,
    tenprint_templates,
    tenprint_templates_batch,
)
from scomm.synth.errors import SynthesisError


def _same(a: Template, b: Template) -> bool:
    return (len(a) == len(b) and np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)
            and np.array_equal(a.angle, b.angle) and np.array_equal(a.kind, b.kind)
            and a.quality == b.quality)


def test_same_seed_gives_the_same_person_and_templates() -> None:
    a, b = make_person(7, 3), make_person(7, 3)
    for f in FINGERS:
        assert a.master(f).pattern == b.master(f).pattern
        assert np.array_equal(a.master(f).mx, b.master(f).mx)
    ta, tb = tenprint_templates(a, 2), tenprint_templates(b, 2)
    assert all(_same(ta[f], tb[f]) for f in FINGERS)


def test_different_people_and_impressions_differ() -> None:
    p, q = make_person(7, 3), make_person(7, 4)
    assert not np.array_equal(p.master(FingerPosition.RIGHT_INDEX).mx, q.master(FingerPosition.RIGHT_INDEX).mx)
    t0 = impression_template(p, FingerPosition.RIGHT_INDEX, 0)
    t1 = impression_template(p, FingerPosition.RIGHT_INDEX, 1)
    assert not _same(t0, t1)


def test_batch_equals_one_by_one() -> None:
    batch = tenprint_templates_batch(11, [5, 0, 9], 4)
    for pid, got in zip([5, 0, 9], batch, strict=True):
        want = tenprint_templates(make_person(11, pid), 4)
        assert all(_same(got[f], want[f]) for f in FINGERS)


def test_single_template_equals_its_tenprint_entry() -> None:
    p = make_person(3, 1)
    ten = tenprint_templates(p, 5, ImpressionType.LIVESCAN_PLAIN)
    one = impression_template(p, FingerPosition.LEFT_RING, 5, ImpressionType.LIVESCAN_PLAIN)
    assert _same(one, ten[FingerPosition.LEFT_RING])


def test_templates_follow_the_template_contract() -> None:
    p = make_person(1, 2)
    for kind in ImpressionType:
        for f, t in tenprint_templates(p, 0, kind).items():
            assert t.position == f and t.impression == kind
            assert 10 <= len(t) <= 200
            assert (t.x >= 0).all() and (t.x < t.width).all() and (t.y >= 0).all() and (t.y < t.height).all()
            assert ((t.angle >= 0) & (t.angle < 2 * np.pi)).all()
            assert set(np.unique(t.kind)) <= {1, 2}
            assert ((t.reliability >= 0) & (t.reliability <= 1)).all()
            assert Template.from_bytes(t.to_bytes()).width == t.width


def test_rolled_impressions_carry_more_minutiae_than_plain() -> None:
    rolled = [len(t) for d in tenprint_templates_batch(2, range(10), 0, ImpressionType.LIVESCAN_ROLLED) for t in d.values()]
    plain = [len(t) for d in tenprint_templates_batch(2, range(10), 0, ImpressionType.LIVESCAN_PLAIN) for t in d.values()]
    assert np.mean(rolled) > 1.4 * np.mean(plain)
    assert 25 <= np.mean(plain) <= 60


def test_mated_minutiae_land_where_the_geometry_puts_them() -> None:
    """Most minutiae of two impressions of one finger map onto each other through the
    masters' frame: the template path is a transform of one master, not fresh noise."""
    p = make_person(5, 0)
    f = FingerPosition.RIGHT_THUMB
    m = p.master(f)
    imp = impression_of(p, f, 3)
    x, y, _a = imp.forward(m.mx, m.my, m.mangle)
    t = impression_template(p, f, 3)
    d = np.hypot(t.x[:, None] - x[None, :], t.y[:, None] - y[None, :]).min(axis=1)
    assert np.mean(d < 8.0) > 0.7          # the rest are spurious, as an extractor adds


def test_bad_arguments_raise_synthesis_error() -> None:
    with pytest.raises(SynthesisError):
        make_person(-1, 0)
    with pytest.raises(SynthesisError):
        impression_template(make_person(1, 0), FingerPosition.UNKNOWN, 0)


def test_class_frequencies_are_close_to_the_population() -> None:
    classes = [m.pattern for i in range(200) for m in make_person(99, i).masters.values()]
    share = {c: classes.count(c) / len(classes) for c in PatternClass}
    loops = share[PatternClass.LEFT_LOOP] + share[PatternClass.RIGHT_LOOP]
    assert 0.55 < loops < 0.75
    assert 0.20 < share[PatternClass.WHORL] < 0.36
    assert share[PatternClass.ARCH] + share[PatternClass.TENTED_ARCH] < 0.12


def test_loops_open_toward_the_little_finger_on_most_fingers() -> None:
    right = [make_person(4, i).master(FingerPosition.RIGHT_MIDDLE).pattern for i in range(150)]
    left = [make_person(4, i).master(FingerPosition.LEFT_MIDDLE).pattern for i in range(150)]
    assert right.count(PatternClass.RIGHT_LOOP) > 4 * right.count(PatternClass.LEFT_LOOP)
    assert left.count(PatternClass.LEFT_LOOP) > 4 * left.count(PatternClass.RIGHT_LOOP)


def test_fingers_of_one_person_share_their_class_more_than_strangers() -> None:
    same = diff = 0
    for i in range(100):
        p, q = make_person(8, i), make_person(8, i + 1000)
        same += p.master(FingerPosition.RIGHT_INDEX).pattern == p.master(FingerPosition.LEFT_RING).pattern
        diff += p.master(FingerPosition.RIGHT_INDEX).pattern == q.master(FingerPosition.LEFT_RING).pattern
    assert same > diff
