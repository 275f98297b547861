"""Second stage: the 1:1 matcher, behind one one-to-many function the search calls.

Search compares one probe finger with the same finger of every candidate, so it
wants a one-to-many call. Two are offered, named in ``SearchConfig.matcher``:

``"mcc"``
    The full matcher of ``scomm.biometrics`` (Minutia Cylinder-Code local
    similarity plus global consolidation): the probe finger is prepared once,
    the candidates' templates are prepared and scored in one ``compare_many``.
``"descriptor"``
    The first-stage descriptor similarity again (the gallery reads it from the
    stored descriptors, this module's function computes it from templates). It
    adds no accuracy over the first stage but costs microseconds: for de-duplication sweeps, tests of
    the storage logic, and as the comparison when the full matcher's cost per
    candidate would break a latency budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.search.descriptor import descriptors
from scomm.biometrics.template import Template
from scomm.errors import GalleryError

OneToMany = Callable[[Template, Sequence[Template]], NDArray[np.float32]]
MATCHERS = ("mcc", "descriptor")


def _descriptor_similarity(probe: Template, gallery: Sequence[Template]) -> NDArray[np.float32]:
    d = descriptors([probe, *gallery])
    return (d[1:] @ d[0]).astype(np.float32)


def _mcc(probe: Template, gallery: Sequence[Template]) -> NDArray[np.float32]:
    from scomm.biometrics.comparison import compare_many, prepare

    return np.asarray(compare_many(prepare(probe), [prepare(t) for t in gallery]), np.float32)


def one_to_many(name: str) -> OneToMany:
    """The one-to-many comparison called ``name`` (one of ``MATCHERS``)."""
    if name == "mcc":
        return _mcc
    if name == "descriptor":
        return _descriptor_similarity
    raise GalleryError(f"unknown second-stage matcher {name!r}; choose one of {MATCHERS}")


def compare_one_to_many(probe: Template, gallery: Sequence[Template], matcher: str = "mcc") -> NDArray[np.float32]:
    """1:1 scores of ``probe`` against each template of ``gallery`` (same finger position)."""
    if not gallery:
        return np.zeros(0, np.float32)
    return np.asarray(one_to_many(matcher)(probe, gallery), dtype=np.float32)
