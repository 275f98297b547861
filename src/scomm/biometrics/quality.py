"""Impression quality, 0..100: how much clear ridge structure the image holds.

A transparent score, not NFIQ 2, built from two of NFIQ 2's feature families:

- **local clarity** (NFIQ 2's LCS / OCL / FDA family): in each 16x16 block of
  the foreground, the correlation between the locally normalised image and its
  Gabor-enhanced version (the bank tuned to the block's own ridge orientation
  and period). A clean ridge pattern is almost entirely what the filter
  passes (correlation 0.9 and above); smudges, over-inked or dry patches,
  scars, creases and background texture are not (0.5-0.7). Each block's
  clarity is that correlation mapped linearly from ``CLEAR_CORRELATION_LOW``
  (0) to ``CLEAR_CORRELATION_HIGH`` (1);
- **clear area** (NFIQ 2's foreground-area and orientation-coherence-sum
  family, counted in clear blocks only): the sum of block clarities in pixels,
  against ``GOOD_CLEAR_AREA_PX``, a plain impression's worth of clear ridges.

    quality = 100 x min(mean block clarity, clear area / GOOD_CLEAR_AREA_PX)

The scarcer of the two sets the score: a small or partial print, however
clean, is held down by its clear area, as NFIQ 2 holds it down (among the
native measures its score follows most are the sum of orientation coherence
over the foreground and the spread of frequency-domain clarity, both led by
how much of the print is clear ridges); a large print (a rolled one has 1.3
to 2.3 times ``GOOD_CLEAR_AREA_PX``) by how clear it is on average, so that
smudged rolled prints still score low, as NIST's NFIQ rates them.

The constants are round numbers, not fitted: with 160 FVC/SFinGe images and
20 card prints a fitted model would learn those images. How it was measured
(ranks against NIST's NFIQ 2 native measures, against the NIST card's NFIQ,
against each image's genuine scores, and error-versus-reject curves) is in
docs/biometrics.md, ``bench/quality_eval.py`` and ``bench/nfiq2_reference.py``.
The previous score, ``mean clarity x min(1, clear area / 50,000) ** 0.5``,
let area count too little: on FVC2002 DB2 and SFinGe DB4 it dropped the
images whose genuine comparisons fail more slowly than this one does.
Orientation coherence, ridge-valley uniformity and clarity spread as extra
factors, and the minutiae count, measured no better (docs/biometrics.md).

scomm uses the score to weight fingers in 1:N fusion and to advise a
recapture below ``RECAPTURE_QUALITY``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics import parameters as P


def block_clarity(normalized: NDArray[np.float32], enhanced: NDArray[np.float32],
                  mask: NDArray[np.bool_]) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """Clarity 0..1 of each QUALITY_BLOCK block, and which blocks lie wholly in the foreground.

    Blocks that straddle the mask border are left out: the enhancement is cut
    to zero outside the mask, which would count as unclear texture.
    """
    b = P.QUALITY_BLOCK
    h, w = normalized.shape
    hh, ww = h // b * b, w // b * b

    def sums(a: NDArray[np.float32]) -> NDArray[np.float32]:
        return np.asarray(a[:hh, :ww].reshape(hh // b, b, ww // b, b).sum(axis=(1, 3)), np.float32)

    ne = sums(normalized * enhanced)
    nn = sums(normalized * normalized)
    ee = sums(enhanced * enhanced)
    inside = sums(mask.astype(np.float32)) >= b * b
    corr = ne / np.sqrt(np.maximum(nn * ee, 1e-9))
    lo, hi = P.CLEAR_CORRELATION_LOW, P.CLEAR_CORRELATION_HIGH
    return np.clip((corr - lo) / (hi - lo), 0.0, 1.0).astype(np.float32), inside


def impression_quality(normalized: NDArray[np.float32], enhanced: NDArray[np.float32],
                       mask: NDArray[np.bool_]) -> int:
    """Quality score 0..100 (higher is better) from the normalised and the Gabor-enhanced image."""
    clarity, inside = block_clarity(normalized, enhanced, mask)
    if not inside.any():
        return 0
    c = clarity[inside]
    clear_area = float(c.sum()) * P.QUALITY_BLOCK ** 2
    return round(100 * min(float(c.mean()), clear_area / P.GOOD_CLEAR_AREA_PX))
