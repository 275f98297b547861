"""Cutting plain slaps into fingertips: on the real NIST card and on composed synthetic slaps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scomm.biometrics import FingerPosition, ImpressionType, compare_prepared, extract, prepare
from scomm.biometrics.slap import SLAP_FINGERS, segment_slap
from scomm.errors import ImageError

CARD = Path("../shared/data/nist-eft/nist-type-14-tpcard.eft")
needs_card = pytest.mark.skipif(not CARD.is_file(), reason="shared NIST card not present")


@pytest.fixture(scope="module")
def card() -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Rolled finger -> image and plain position (11-14) -> image, from the real card."""
    if not CARD.is_file():
        pytest.skip("shared NIST card not present")
    from scomm.nist.images import decode_image, finger_image_records
    from scomm.nist.reader import read_transaction_file

    rolled, plain = {}, {}
    for rec in finger_image_records(read_transaction_file(CARD)):
        (plain if rec.position > 10 else rolled)[rec.position] = decode_image(rec)
    return rolled, plain


@needs_card
def test_card_slaps_give_one_fingertip_per_finger_left_to_right(card) -> None:
    _rolled, plain = card
    for slap in (13, 14):
        cuts = segment_slap(plain[slap], slap)
        assert [c.position for c in cuts] == list(SLAP_FINGERS[slap])
        xs = [c.box[0] for c in cuts]
        assert xs == sorted(xs)
        for c in cuts:
            h, w = c.image.shape
            assert 250 <= h <= 700 and 200 <= w <= 500, (c.position, c.image.shape)
            assert c.image.dtype == np.uint8


@needs_card
def test_rolled_fingers_match_their_own_fingertip_cut_from_the_slaps(card) -> None:
    """The cut is right when each rolled finger is most like its own plain fingertip.

    Finger 5 (right little) is a very poor rolled print on this card (NFIQ 5),
    so at least 8 of 10 must find their own finger first; whole slaps gave 3.
    """
    rolled, plain = card
    tips = {int(c.position): prepare(extract(c.image, impression=ImpressionType.NONLIVE_PLAIN))
            for slap in (11, 12, 13, 14) for c in segment_slap(plain[slap], slap)}
    assert sorted(tips) == list(range(1, 11))
    own_first = 0
    for f, img in rolled.items():
        r = prepare(extract(img))
        scores = {g: compare_prepared(r, t) for g, t in tips.items()}
        own_first += max(scores, key=scores.__getitem__) == f
    assert own_first >= 8


def _composed_slap() -> tuple[np.ndarray, list[int]]:
    """Four synthetic fingertips on a white card, a caption bar touching their tops."""
    from scomm.synth import make_person, render_impression

    person = make_person(7, 1)
    card = np.full((900, 1500), 245, np.uint8)
    lefts = []
    for k, (pos, top) in enumerate(zip(SLAP_FINGERS[13], (260, 60, 40, 300), strict=True)):
        tip = render_impression(person, pos, 1, ImpressionType.NONLIVE_PLAIN, size=(300, 420))
        left = 40 + k * 360
        card[top : top + 420, left : left + 300] = np.minimum(card[top : top + 420, left : left + 300], tip)
        lefts.append(left)
    card[20:50, 30:1400:7] = 0  # a caption: thin dark marks across the tops of the prints
    return card, lefts


def test_composed_slap_is_cut_where_the_fingertips_were_put() -> None:
    card, lefts = _composed_slap()
    cuts = segment_slap(card, 13)
    assert [c.position for c in cuts] == list(SLAP_FINGERS[13])
    for cut, left in zip(cuts, lefts, strict=True):
        centre = (cut.box[0] + cut.box[2]) / 2
        assert abs(centre - (left + 150)) < 60, (cut.position, cut.box, left)


def test_blank_slap_is_refused_with_the_count_found() -> None:
    with pytest.raises(ImageError, match=r"found 0 fingertip\(s\), expected 4"):
        segment_slap(np.full((1000, 1600), 250, np.uint8), 13)


def test_single_finger_position_is_not_a_slap() -> None:
    with pytest.raises(ImageError, match="not a plain slap"):
        segment_slap(np.zeros((500, 500), np.uint8), FingerPosition.RIGHT_INDEX)
