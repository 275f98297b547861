"""The interoperability messages, as the plain data scomm records and sends.

SRE (criminal answer), IDR (IDENT data response), IDR no-match, IAQ (query to
LESC) and IAR (LESC's response). Bodies are JSON here; ``scomm.nist`` renders the
agency-facing ones as ANSI/NIST-ITL transactions.
"""

from __future__ import annotations

from enum import StrEnum

LESC_ORI = "VTICE0900"
"""The Law Enforcement Support Center's Nlets ORI (Williston, Vermont)."""
CJIS = "CJIS"
IDENT = "IDENT"


class MessageKind(StrEnum):
    SRE = "SRE"
    IDR = "IDR"
    IDR_NO_MATCH = "IDR_NO_MATCH"
    IAQ = "IAQ"
    IAR = "IAR"
