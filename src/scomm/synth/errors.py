"""The generator's own error: a bad argument to a synthesis function."""

from __future__ import annotations

from scomm.errors import ScommError


class SynthesisError(ScommError):
    """A synthesis request cannot be served (negative seed, unknown finger, bad size)."""
