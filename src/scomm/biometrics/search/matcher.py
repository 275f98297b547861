"""Second stage: the full 1:1 matcher, behind one function the search calls.

Search compares one probe finger with the same finger of every candidate, so it
wants a one-to-many call. This adapter maps that onto whatever the 1:1 matcher
of ``scomm.biometrics`` offers (a prepared/batch comparison where there is one).
Until that matcher is available it falls back to the first-stage descriptor
similarity, which keeps the search API working but is only as good as the
first stage (``MATCHER`` says which is in use).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.search.descriptor import descriptors
from scomm.biometrics.template import Template

OneToMany = Callable[[Template, Sequence[Template]], NDArray[np.float32]]


def _descriptor_similarity(probe: Template, gallery: Sequence[Template]) -> NDArray[np.float32]:
    d = descriptors([probe, *gallery])
    return (d[1:] @ d[0]).astype(np.float32)


def _resolve() -> tuple[str, OneToMany]:
    """The best one-to-many comparison available: the prepared MCC matcher, else descriptors."""
    try:
        from scomm.biometrics.comparison import compare_many, prepare
    except ImportError:
        return "descriptor", _descriptor_similarity

    def prepared(probe: Template, gallery: Sequence[Template]) -> NDArray[np.float32]:
        return np.asarray(compare_many(prepare(probe), [prepare(t) for t in gallery]), np.float32)

    return "scomm.biometrics.comparison", prepared


MATCHER, _one_to_many = _resolve()


def compare_one_to_many(probe: Template, gallery: Sequence[Template]) -> NDArray[np.float32]:
    """1:1 scores of ``probe`` against each template of ``gallery`` (same finger position)."""
    if not gallery:
        return np.zeros(0, np.float32)
    return np.asarray(_one_to_many(probe, gallery), dtype=np.float32)
