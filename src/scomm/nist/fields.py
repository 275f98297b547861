"""Names of the fields scomm knows, and the words that locate an error.

Every :class:`~scomm.errors.TransactionFormatError` names its place the same way,
``record 3 (Type-14) field 14.013 FGP``, so that an agency's technician can find the
byte to fix with any ANSI/NIST-ITL viewer. Mnemonics come from ANSI/NIST-ITL 1-2011
(Types 1, 4, 9, 13, 14) and the FBI EBTS (Type-2).
"""

from __future__ import annotations

MNEMONICS: dict[int, dict[int, str]] = {
    1: {
        1: "LEN", 2: "VER", 3: "CNT", 4: "TOT", 5: "DAT", 6: "PRY", 7: "DAI", 8: "ORI",
        9: "TCN", 10: "TCR", 11: "NSR", 12: "NTR", 13: "DOM", 14: "GMT", 15: "DCS",
    },
    2: {
        1: "LEN", 2: "IDC", 5: "RET", 6: "ATN", 7: "SCO", 9: "OCA", 14: "FBI", 15: "SID",
        16: "SOC", 17: "MNU", 18: "NAM", 19: "AKA", 20: "POB", 21: "CTZ", 22: "DOB", 24: "SEX",
        25: "RAC", 27: "HGT", 29: "WGT", 31: "EYE", 32: "HAI", 37: "RFP", 38: "DPR",
        45: "DOA", 47: "ASL", 51: "CSL", 59: "SRF", 60: "MSG", 73: "CRI",
    },
    # Type-4 is binary; its header items are numbered like fields, as the standard does.
    4: {1: "LEN", 2: "IDC", 3: "IMP", 4: "FGP", 5: "ISR", 6: "HLL", 7: "VLL", 8: "GCA", 9: "DATA"},
    9: {
        1: "LEN", 2: "IDC", 3: "IMP", 4: "FMT", 5: "OFR", 6: "FGP", 7: "FPC", 8: "CRP",
        9: "DLT", 10: "MIN", 11: "RDG", 12: "MRC",
    },
    13: {
        1: "LEN", 2: "IDC", 3: "IMP", 4: "SRC", 5: "LCD", 6: "HLL", 7: "VLL", 8: "SLC",
        9: "THPS", 10: "TVPS", 11: "CGA", 12: "BPX", 13: "FGP", 999: "DATA",
    },
    14: {
        1: "LEN", 2: "IDC", 3: "IMP", 4: "SRC", 5: "FCD", 6: "HLL", 7: "VLL", 8: "SLC",
        9: "THPS", 10: "TVPS", 11: "CGA", 12: "BPX", 13: "FGP", 14: "PPD", 15: "PPC",
        16: "SHPS", 17: "SVPS", 20: "COM", 21: "SEG", 22: "NQM", 999: "DATA",
    },
}

MANDATORY: dict[int, tuple[int, ...]] = {
    1: (1, 2, 3, 4, 5, 7, 8, 9, 11, 12),
    2: (1, 2),
    9: (1, 2, 3, 4),
    13: (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 999),
    14: (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 999),
}
"""Fields a record cannot lack (ANSI/NIST-ITL 1-2011 tables 'M' column; Type-2 per EBTS)."""


def field_name(record_type: int, number: int) -> str:
    """``14.013 FGP``: the number as the standard writes it, and its mnemonic when known."""
    mnemonic = MNEMONICS.get(record_type, {}).get(number)
    tag = f"{record_type}.{number:03d}"
    return f"{tag} {mnemonic}" if mnemonic else tag


def where(index: int, record_type: int | None, number: int | None = None) -> str:
    """``record 3 (Type-14) field 14.013 FGP``; ``index`` counts from 1 (Type-1 is record 1)."""
    place = f"record {index}" if record_type is None else f"record {index} (Type-{record_type})"
    if number is None or record_type is None:
        return place
    return f"{place} field {field_name(record_type, number)}"
