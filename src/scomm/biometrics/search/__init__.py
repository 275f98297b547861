"""Tenprint 1:N identification: gallery storage, two-stage search, decision.

Typical use::

    g = Gallery.create(Path("galleries/ident"), "ident")
    g.enroll("FBI-123", {FingerPosition.RIGHT_THUMB: template, ...})
    g.flush()
    result = g.search(probe_fingers, top_k=10)
    if result.hit: ...
"""

from scomm.biometrics.search.calibration import Calibration
from scomm.biometrics.search.config import SearchConfig
from scomm.biometrics.search.gallery import Gallery
from scomm.biometrics.search.result import Candidate, SearchResult

__all__ = ["Calibration", "Candidate", "Gallery", "SearchConfig", "SearchResult"]
