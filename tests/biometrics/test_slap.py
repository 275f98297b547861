"""Cutting plain slaps into fingertips: on the real NIST card and on composed synthetic slaps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scomm.biometrics import FingerPosition, ImpressionType, compare_prepared, extract, prepare
from scomm.biometrics import parameters as P
from scomm.biometrics.slap import SLAP_FINGERS, isolate_print, segment_slap
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


def _ridges(shape: tuple[int, int], centre: tuple[float, float], radius: float) -> np.ndarray:
    """Dark sinusoidal ridges (period 9 px) inside a disc; 0 outside."""
    yy, xx = np.mgrid[: shape[0], : shape[1]].astype(np.float64)
    inside = np.hypot(xx - centre[0], yy - centre[1]) <= radius
    return np.where(inside, 90 * (1 + np.sin(2 * np.pi * (xx * 0.8 + yy * 0.6) / 9)), 0.0)


def test_isolate_print_keeps_the_largest_ridge_region_and_whitens_the_rest() -> None:
    shape = (600, 700)
    main = _ridges(shape, (260, 300), 200)
    spill = _ridges(shape, (650, 300), 90)  # a neighbour's ridges at the box's edge
    image = np.clip(235 - main - spill, 0, 255).astype(np.uint8)
    out = isolate_print(image)
    h, w = out.shape
    # cropped to the disc (400 px) plus margins, the spill's columns gone
    assert 400 <= w <= 400 + 4 * P.SLAP_MARGIN_PX + 2 * P.SLAP_CELL, out.shape
    assert 400 <= h <= 400 + 4 * P.SLAP_MARGIN_PX + 2 * P.SLAP_CELL, out.shape
    assert out[:, -20:].std() < 5  # right edge of the crop: blank paper, no ridges
    assert out[200:400, 150:350].std() > 40  # the print itself untouched


def test_isolate_print_leaves_a_single_print_unchanged_inside_its_crop() -> None:
    shape = (500, 500)
    image = np.clip(235 - _ridges(shape, (250, 250), 180), 0, 255).astype(np.uint8)
    out = isolate_print(image)
    rows = np.flatnonzero((image < 200).any(axis=1))
    cols = np.flatnonzero((image < 200).any(axis=0))
    # every dark pixel of the print survives the crop
    assert (out < 200).sum() == (image < 200).sum()
    assert out.shape[0] >= rows[-1] - rows[0] + 1 and out.shape[1] >= cols[-1] - cols[0] + 1


def test_isolate_print_returns_a_blank_image_whole_for_the_extractor_to_refuse() -> None:
    blank = np.full((400, 400), 240, np.uint8)
    assert isolate_print(blank).shape == blank.shape
    with pytest.raises(ImageError, match="blank"):
        extract(isolate_print(blank))


@needs_card
def test_isolate_print_cuts_the_neighbours_spill_out_of_a_card_rolled_box(card) -> None:
    """Rolled box 9 of the card holds finger 10's ridges at its right edge (seen on the card)."""
    rolled, _plain = card
    out = isolate_print(rolled[9])
    assert out.shape[1] < 0.65 * rolled[9].shape[1], out.shape
    assert out.shape[0] > 0.7 * rolled[9].shape[0]
