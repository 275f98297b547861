"""The one error hierarchy of scomm.

Every error names what it failed on (a field, a record, a file) and why, so a
user can act on the message without reading code::

    ScommError
    ├── InvalidSubmission        a booking submission field is missing or wrong
    ├── TransactionFormatError   an ANSI/NIST-ITL transaction cannot be read or written
    ├── ImageError               a fingerprint image cannot be decoded or is unusable
    ├── TemplateError            a minutiae template cannot be read or is malformed
    ├── GalleryError             a gallery cannot be searched, loaded or changed
    ├── PolicyError              a policy or jurisdiction configuration is invalid
    ├── StoreError               the database is missing, unreachable or out of date
    └── StateError               an operation does not fit the current state of a case
"""

from __future__ import annotations


class ScommError(Exception):
    """Base class: catch this to handle every error scomm raises on purpose."""


class FieldError(ScommError):
    """An error about one named field of some input.

    ``field`` is a dotted path (``subject.date_of_birth``, ``charges[2].ncic_code``,
    ``2.018``) so that the message points at the exact place to fix.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class InvalidSubmission(FieldError):
    """A booking submission was refused; nothing was recorded for it."""


class TransactionFormatError(FieldError):
    """An ANSI/NIST-ITL transaction is malformed; ``field`` names record and field."""


class ImageError(ScommError):
    """A fingerprint image cannot be decoded or is not usable for matching."""


class TemplateError(ScommError):
    """A minutiae template is malformed or of an unknown version."""


class GalleryError(ScommError):
    """A gallery operation failed (unknown identity, corrupt files, bad probe)."""


class PolicyError(FieldError):
    """A policy document or jurisdiction configuration is invalid."""


class StoreError(ScommError):
    """The store cannot be opened, migrated or written."""


class StateError(ScommError):
    """An operation is not allowed in the current state (e.g. closing a closed case)."""
