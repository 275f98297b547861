"""Every tuned constant of the ANSI/NIST-ITL codec, with where its value comes from."""

from __future__ import annotations

# --- separators (ANSI/NIST-ITL 1-2011, traditional encoding, clause 7.1) -----------------
FS = 0x1C
"""File separator: ends every tagged record."""
GS = 0x1D
"""Group separator: between fields of a tagged record."""
RS = 0x1E
"""Record separator: between subfields of a field."""
US = 0x1F
"""Unit separator: between information items of a subfield."""

# --- versions --------------------------------------------------------------------------
SUPPORTED_VERSIONS = frozenset({"0300", "0400", "0500", "0501", "0502", "0600"})
"""1.002 VER values we read: 1-2000 (0300), 1-2007 (0400), 1-2011 (0500), its 2013 and 2015
updates (0501, 0502) and the 2025 edition (0600). They share the traditional encoding."""

# --- record types ----------------------------------------------------------------------
TAGGED_TYPES = frozenset({1, 2, 9, 10, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 98, 99})
"""Tagged-field record types defined by ANSI/NIST-ITL 1-2011 (Types 11 and 12 were added in
2013 and are not read here)."""
BINARY_TYPES = frozenset({4})
"""Binary records scomm reads: Type-4 only (Types 3, 5, 6 were deprecated in 2011; 7 and 8
are not used by ten-print submissions)."""
IMAGE_DATA_TYPES = frozenset({10, 13, 14, 15, 16, 17, 19, 20, 21, 22})
"""Tagged types whose field 999 holds binary data (must be the last field, ended by FS)."""
IMAGE_DATA_FIELD = 999

TYPE4_HEADER_BYTES = 18
"""Type-4 fixed header: LEN u32, IDC u8, IMP u8, FGP 6 x u8, ISR u8, HLL u16, VLL u16, GCA u8."""

# --- limits (bounded memory, no hangs) ---------------------------------------------------
MAX_TRANSACTION_BYTES = 256 * 1024 * 1024
"""Largest file we read. A 14-image ten-print card at 500 ppi WSQ is under 1 MB, at 1000 ppi
uncompressed about 60 MB; 256 MiB leaves room for palms and photos."""
MAX_RECORDS = 1000
"""Largest 1.003 CNT count accepted: EBTS transactions carry tens of records, never thousands."""
MAX_TAG_BYTES = 12
"""Longest field tag ``TT.FFFFFFF``; anything longer is not a tag (stops runaway scans)."""
MAX_LEN_DIGITS = 10
"""Digits of a record LEN value; 10 digits already exceed MAX_TRANSACTION_BYTES."""
MAX_IMAGE_PIXELS = 4000 * 4000
"""Largest image decoded: a 1000 ppi slap is about 3200 x 2000, a 1000 ppi palm 5.5 x 8 in
would be larger but palms (Type-15) are not decoded by scomm. Checked before decoding."""
MIN_IMAGE_SIDE = 8
"""Smaller images cannot be fingerprints; rejected as malformed headers."""

# --- encoding choices --------------------------------------------------------------------
WSQ_BITRATE = 0.75
"""WSQ target bit rate for images scomm writes: 0.75 bpp is the FBI's nominal rate for
500 ppi (about 10.7:1), the rate the NIST sample's encoder recorded (NIST_COM WSQ_BITRATE)."""
DEFAULT_VERSION = "0500"
"""Version written in new transactions: ANSI/NIST-ITL 1-2011, what EBTS 9.x/10.x reference."""
WSQ_ISOLATED = True
"""Decode WSQ in a worker process: bench/nist_fuzz.py --engine wsq found mutated WSQ data that
crashes the NBIS decoder (segmentation fault) inside the ``wsq`` package's C module."""
WSQ_DECODE_TIMEOUT_S = 30.0
"""Per-image limit for the worker: a 16 Mpx image decodes in about 1 s on one core; 30 s
leaves room for a machine under load while still ending a hang."""
