"""A ten-print transaction as a verification set: each finger's rolled print against its plain one.

A ten-print card holds every finger twice: rolled, and pressed flat (plain thumbs and four-finger
slaps, cut here into fingertips). Rolled against plain of the same finger is a genuine comparison
made under the hardest conditions a bureau meets: large, distorted rolled prints against small
flat ones, often scanned ink. ``scomm bench fvc CARD.eft`` runs the FVC figures on it:

- genuine: each finger's rolled print against its own plain impression;
- impostor: each rolled print against every other finger's plain impression, and the rolled
  prints against each other (what a search of a rolled gallery compares).

With ten genuine pairs a card decides little on its own: its EER moves by a tenth when one
finger moves, so read it with the scores (docs/benchmarks.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.image import to_reference_grey
from scomm.biometrics.slap import SLAP_FINGERS, segment_slap
from scomm.errors import ImageError, ScommError
from scomm.nist.booking import PLAIN_IMPRESSIONS, ROLLED_IMPRESSIONS
from scomm.nist.images import decode_image, finger_image_records
from scomm.nist.transaction import Transaction

Key = tuple[str, int]
"""("rolled" or "plain", finger position 1-10)."""


@dataclass(frozen=True)
class RolledPlainSet:
    """Images at 500 ppi keyed by (kind, finger), and the comparisons of the protocol."""

    images: dict[Key, NDArray[np.uint8]]
    genuine: list[tuple[Key, Key]]
    impostor: list[tuple[Key, Key]]
    skipped: list[str]
    """Plain impressions that could not be cut into fingertips, with the reason."""


def rolled_plain_set(txn: Transaction) -> RolledPlainSet:
    """The rolled and plain images of every finger the transaction shows both ways, and the pairs.

    Raises ScommError when fewer than two fingers have both (there would be no impostor pair).
    """
    rolled: dict[int, NDArray[np.uint8]] = {}
    plain: dict[int, NDArray[np.uint8]] = {}
    skipped: list[str] = []
    for img in finger_image_records(txn):
        if len(img.positions) != 1:
            continue
        ppi = img.ppi or 500
        if img.impression in ROLLED_IMPRESSIONS and 1 <= img.position <= 10:
            rolled.setdefault(img.position, to_reference_grey(decode_image(img), ppi))
        elif img.impression in PLAIN_IMPRESSIONS and 1 <= img.position <= 10:
            plain[img.position] = to_reference_grey(decode_image(img), ppi)  # a single plain finger beats a cut
        elif img.impression in PLAIN_IMPRESSIONS and img.position in SLAP_FINGERS:
            try:
                cuts = segment_slap(decode_image(img), img.position, ppi)
            except ImageError as exc:
                skipped.append(f"plain position {img.position}: {exc}")
                continue
            for cut in cuts:
                plain.setdefault(int(cut.position), cut.image)
    both = sorted(set(rolled) & set(plain))
    if len(both) < 2:
        raise ScommError(f"the transaction shows {len(both)} finger(s) both rolled and plain; "
                         "the rolled-against-plain protocol needs at least two")
    images: dict[Key, NDArray[np.uint8]] = {}
    for f in both:
        images[("rolled", f)] = rolled[f]
        images[("plain", f)] = plain[f]
    genuine = [(("rolled", f), ("plain", f)) for f in both]
    impostor = [(("rolled", f), ("plain", g)) for f in both for g in both if g != f]
    impostor += [(("rolled", f), ("rolled", g)) for i, f in enumerate(both) for g in both[i + 1:]]
    return RolledPlainSet(images, genuine, impostor, skipped)
