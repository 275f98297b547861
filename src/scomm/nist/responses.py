"""The answers a submitting agency gets back, written as ANSI/NIST-ITL transactions.

Four kinds, after ICE's 2010 package to agencies and the FBI's EBTS:

* the criminal-history answer (EBTS TOT ``SRE``): identified or not, with the matched
  identity's number;
* the IDENT Data Response (IDR) on an immigration match, alone or combined with LESC's
  Immigration Alien Response (IAR), and the IDR no-match response;
* the error response (EBTS TOT ``ERRT``) naming the field and the reason.

Each is a Type-1 record and one Type-2 record. What is EBTS and what is scomm's own
choice is listed in docs/nist.md; in short, the IDR TOT codes (``IDR``, ``IDRA``,
``IDRN``) and the ``KEY/value`` lines of 2.060 MSG are scomm's, because the real IDR
layout is not public. :func:`read_response` turns any of them back into the plain
data they were made from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from scomm.errors import FieldError, TransactionFormatError
from scomm.nist.parameters import DEFAULT_VERSION
from scomm.nist.reader import read_transaction, read_type1
from scomm.nist.transaction import Field, TaggedRecord, Transaction, content_field
from scomm.nist.writer import write_transaction

CJIS_ORI = "DCSCOMMFB"
"""1.008 ORI of criminal answers scomm writes: a project placeholder for the CJIS division."""
IDENT_ORI = "DCSCOMMDH"
"""1.008 ORI of IDENT responses scomm writes: a project placeholder for DHS IDENT/OBIM."""
LESC_ORI = "VTICE0900"
"""The LESC's Nlets ORI (Williston, Vermont), per Nlets' published LESC notes."""

TOT_SRE = "SRE"
"""EBTS: Submission Results - Electronic."""
TOT_ERRT = "ERRT"
"""EBTS: Ten-Print Transaction Error."""
TOT_IDR = "IDR"
"""scomm: IDENT Data Response, immigration match (no IAR yet)."""
TOT_IDR_IAR = "IDRA"
"""scomm: combined IDR/IAR response."""
TOT_IDR_NO_MATCH = "IDRN"
"""scomm: IDR no-match response."""

SRF_IDENT = "I"
SRF_NON_IDENT = "N"
"""2.059 SRF values for identified / not identified (EBTS 'I'/'N'; see docs: unverified)."""


@dataclass(frozen=True)
class CriminalAnswer:
    """The criminal-history search result for one submission."""

    tcn: str
    """The submission's TCN, answered in 1.010 TCR."""
    ori: str
    """The submitting agency, the response's destination (1.007 DAI)."""
    identified: bool
    identity_id: str | None = None
    """The matched identity's number (2.014 FBI/UCN field) when identified."""
    recapture: tuple[int, ...] = ()
    """Finger positions too poor to rely on, advised for recapture (2.060 MSG ``RECAPTURE/2,5``)."""


@dataclass(frozen=True)
class IarData:
    """What LESC's Immigration Alien Response says, as scomm carries it."""

    status: str
    """LESC's status determination, e.g. 'REMOVABLE ALIEN' or 'LAWFUL PERMANENT RESIDENT'."""
    a_number: str | None = None
    """Alien registration number."""
    narrative: str = ""
    lesc_ori: str = LESC_ORI


@dataclass(frozen=True)
class ImmigrationAnswer:
    """The immigration-side result: IDENT match or not, and LESC's IAR when there is one."""

    tcn: str
    ori: str
    matched: bool
    fin: str | None = None
    """The IDENT encounter's Fingerprint Identification Number (EBTS MNU code FN)."""
    iar: IarData | None = None


@dataclass(frozen=True)
class ErrorAnswer:
    """A submission refused: which field, and why."""

    tcn: str
    ori: str
    field: str
    reason: str

    @classmethod
    def from_error(cls, tcn: str, ori: str, error: FieldError) -> ErrorAnswer:
        return cls(tcn, ori, error.field, error.reason)

    @classmethod
    def for_submission(cls, data: bytes, error: FieldError) -> ErrorAnswer:
        """Address the error to whoever sent ``data``: TCN and ORI from its Type-1 record
        when that much can be read, empty otherwise (the transport then knows the sender)."""
        try:
            t1 = read_type1(data)
            tcn, ori = t1.text(9) or "", t1.text(8) or ""
        except TransactionFormatError:
            tcn, ori = "", ""
        return cls(tcn, ori, error.field, error.reason)


Answer = CriminalAnswer | ImmigrationAnswer | ErrorAnswer
_SEPARATORS = str.maketrans({c: " " for c in "\x1c\x1d\x1e\x1f"})


def _clean(text: str) -> str:
    """Free text from elsewhere (reasons, narratives) with separators made spaces, on one line."""
    return " ".join(text.translate(_SEPARATORS).split())


def response_transaction(
    answer: Answer,
    *,
    when: datetime | None = None,
    response_tcn: str | None = None,
    version: str = DEFAULT_VERSION,
) -> Transaction:
    """The response as a transaction (Type-1 and one Type-2)."""
    moment = when or datetime.now(UTC)
    t2 = TaggedRecord(2, [Field(1, b"0"), Field(2, b"00")])
    if isinstance(answer, CriminalAnswer):
        tot, sender = TOT_SRE, CJIS_ORI
        if answer.identified and not answer.identity_id:
            raise TransactionFormatError("2.014 FBI", "an identified answer needs the matched identity's number")
        t2.set(59, SRF_IDENT if answer.identified else SRF_NON_IDENT)
        if answer.identified and answer.identity_id:
            t2.set(14, _clean(answer.identity_id))
        if answer.recapture:
            t2.set(60, [["RECAPTURE/" + ",".join(str(int(p)) for p in answer.recapture)]])
    elif isinstance(answer, ImmigrationAnswer):
        sender = IDENT_ORI
        if not answer.matched:
            tot = TOT_IDR_NO_MATCH
            if answer.iar is not None or answer.fin:
                raise TransactionFormatError("1.004 TOT", "a no-match response carries no FIN and no IAR")
        else:
            if not answer.fin:
                raise TransactionFormatError("2.017 MNU", "an IDENT match needs the encounter's FIN")
            tot = TOT_IDR_IAR if answer.iar is not None else TOT_IDR
            t2.set(17, f"FN-{_clean(answer.fin)}")
            if answer.iar is not None:
                iar = answer.iar
                lines = [["STA/" + _clean(iar.status)], ["LESC/" + _clean(iar.lesc_ori)]]
                if iar.a_number:
                    lines.append(["ARN/" + _clean(iar.a_number)])
                if iar.narrative:
                    lines.append(["TXT/" + _clean(iar.narrative)])
                t2.set(60, lines)
    else:
        tot, sender = TOT_ERRT, CJIS_ORI
        t2.set(60, f"{_clean(answer.field)}: {_clean(answer.reason)}")
    t1 = TaggedRecord(1, [Field(1, b"0")])
    t1.set(2, version)
    t1.set(3, content_field([(2, 0)]))
    t1.set(4, tot)
    t1.set(5, moment.strftime("%Y%m%d"))
    t1.set(7, _clean(answer.ori))
    t1.set(8, sender)
    t1.set(9, _clean(response_tcn or f"{tot}-{answer.tcn}"[:40]))
    t1.set(10, _clean(answer.tcn))
    t1.set(11, "00.00")
    t1.set(12, "00.00")
    t1.set(14, moment.astimezone(UTC).strftime("%Y%m%d%H%M%SZ"))
    return Transaction([t1, t2])


def write_response(
    answer: Answer,
    *,
    when: datetime | None = None,
    response_tcn: str | None = None,
) -> bytes:
    """The response transaction's bytes, ready to send back to the submitting agency."""
    return write_transaction(response_transaction(answer, when=when, response_tcn=response_tcn))


def read_response(data: bytes) -> tuple[Answer, date]:
    """Turn a response transaction back into its plain data, with its 1.005 date."""
    txn = read_transaction(data)
    t1 = txn.type1
    type2s = txn.tagged(2)
    if len(type2s) != 1:
        raise TransactionFormatError("record 2 (Type-2)", f"a response carries one Type-2 record, found {len(type2s)}")
    t2 = type2s[0]
    tcn = t1.text(10) or ""
    ori = t1.text(7) or ""
    dat = t1.text(5) or ""
    try:
        day = date(int(dat[:4]), int(dat[4:6]), int(dat[6:8]))
    except ValueError:
        raise TransactionFormatError(t1.where(5), f"date must be CCYYMMDD (got {dat[:12]!r})") from None
    tot = txn.tot
    answer: Answer
    if tot == TOT_SRE:
        srf = t2.text(59)
        if srf not in (SRF_IDENT, SRF_NON_IDENT):
            raise TransactionFormatError(t2.where(59), f"must be I or N (got {srf!r})")
        answer = CriminalAnswer(tcn, ori, srf == SRF_IDENT, t2.text(14), _recapture(t2))
    elif tot in (TOT_IDR, TOT_IDR_IAR, TOT_IDR_NO_MATCH):
        fin = None
        mnu = t2.text(17)
        if mnu is not None:
            if not mnu.startswith("FN-"):
                raise TransactionFormatError(t2.where(17), f"must be FN-<FIN> (got {mnu[:20]!r})")
            fin = mnu[3:]
        iar = _iar(t2) if tot == TOT_IDR_IAR else None
        answer = ImmigrationAnswer(tcn, ori, tot != TOT_IDR_NO_MATCH, fin, iar)
    elif tot == TOT_ERRT:
        msg = t2.text(60) or ""
        field, sep, reason = msg.partition(": ")
        answer = ErrorAnswer(tcn, ori, field if sep else "", reason if sep else msg)
    else:
        raise TransactionFormatError(t1.where(4), f"TOT {tot!r} is not a response scomm writes")
    return answer, day


def _recapture(t2: TaggedRecord) -> tuple[int, ...]:
    for sub in t2.items(60) or []:
        key, sep, value = sub[0].partition("/")
        if key == "RECAPTURE" and sep:
            try:
                fingers = tuple(int(v) for v in value.split(","))
            except ValueError:
                raise TransactionFormatError(t2.where(60), f"RECAPTURE must list finger positions (got {value[:20]!r})") from None
            if not all(1 <= f <= 10 for f in fingers):
                raise TransactionFormatError(t2.where(60), f"RECAPTURE finger positions must be 1-10 (got {value[:20]!r})")
            return fingers
    return ()


def _iar(t2: TaggedRecord) -> IarData:
    values: dict[str, str] = {}
    for sub in t2.items(60) or []:
        key, sep, value = sub[0].partition("/")
        if not sep:
            raise TransactionFormatError(t2.where(60), f"IAR line must be KEY/value (got {sub[0][:20]!r})")
        values[key] = value
    if "STA" not in values:
        raise TransactionFormatError(t2.where(60), "the IAR has no STA/ status line")
    return IarData(values["STA"], values.get("ARN"), values.get("TXT", ""), values.get("LESC", LESC_ORI))
