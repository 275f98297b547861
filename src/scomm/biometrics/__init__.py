"""Fingerprint images, minutiae templates, 1:1 comparison and 1:N search."""

from scomm.biometrics.comparison import (
    MATCH_THRESHOLD,
    PreparedBatch,
    PreparedTemplate,
    compare,
    compare_many,
    compare_prepared,
    prepare,
    stack,
)
from scomm.biometrics.extraction import extract
from scomm.biometrics.image import load_image
from scomm.biometrics.leader import extract_leader
from scomm.biometrics.template import (
    REFERENCE_PPI,
    FingerPosition,
    ImpressionType,
    MinutiaKind,
    Template,
)

__all__ = [
    "MATCH_THRESHOLD",
    "REFERENCE_PPI",
    "FingerPosition",
    "ImpressionType",
    "MinutiaKind",
    "PreparedBatch",
    "PreparedTemplate",
    "Template",
    "compare",
    "compare_many",
    "compare_prepared",
    "extract",
    "extract_leader",
    "load_image",
    "prepare",
    "stack",
]
