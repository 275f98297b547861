"""Fingerprint images, minutiae templates, 1:1 comparison and 1:N search."""

from scomm.biometrics.template import (
    REFERENCE_PPI,
    FingerPosition,
    ImpressionType,
    MinutiaKind,
    Template,
)

__all__ = ["REFERENCE_PPI", "FingerPosition", "ImpressionType", "MinutiaKind", "Template"]
