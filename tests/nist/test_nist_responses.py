from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scomm.errors import InvalidSubmission, TransactionFormatError
from scomm.nist.reader import read_transaction
from scomm.nist.responses import (
    CriminalAnswer,
    ErrorAnswer,
    IarData,
    ImmigrationAnswer,
    read_response,
    write_response,
)

WHEN = datetime(2011, 3, 2, 14, 30, tzinfo=UTC)
IAR = IarData("REMOVABLE ALIEN", "A012345678", "Prior removal order 2009.\nReentered.")


@pytest.mark.parametrize(
    ("answer", "tot"),
    [
        (CriminalAnswer("TCN1", "MA0130100", True, "ID-000042"), "SRE"),
        (CriminalAnswer("TCN1", "MA0130100", False), "SRE"),
        (CriminalAnswer("TCN1", "MA0130100", False, recapture=(3, 10)), "SRE"),
        (ImmigrationAnswer("TCN1", "MA0130100", True, "1234567890"), "IDR"),
        (ImmigrationAnswer("TCN1", "MA0130100", True, "1234567890", IAR), "IDRA"),
        (ImmigrationAnswer("TCN1", "MA0130100", False), "IDRN"),
        (ErrorAnswer("TCN1", "MA0130100", "record 3 (Type-14) field 14.013 FGP", "finger position 1 repeats"), "ERRT"),
    ],
)
def test_every_response_reads_back_to_its_answer(answer, tot: str) -> None:  # type: ignore[no-untyped-def]
    data = write_response(answer, when=WHEN)
    txn = read_transaction(data)
    assert txn.tot == tot and txn.type1.text(10) == "TCN1" and txn.type1.text(7) == "MA0130100"
    back, day = read_response(data)
    assert day == date(2011, 3, 2)
    if isinstance(answer, ImmigrationAnswer) and answer.iar is not None:
        assert isinstance(back, ImmigrationAnswer) and back.iar is not None
        assert back.iar.narrative == "Prior removal order 2009. Reentered."  # kept on one line
        assert (back.matched, back.fin, back.iar.status, back.iar.a_number) == (True, "1234567890", IAR.status, IAR.a_number)
    else:
        assert back == answer


def test_the_error_response_names_field_and_reason() -> None:
    err = InvalidSubmission("charges[0].ncic_code", "must be a 4-digit NCIC offence code")
    data = write_response(ErrorAnswer.from_error("T9", "MA0130100", err), when=WHEN)
    assert b"2.060:charges[0].ncic_code: must be a 4-digit NCIC offence code\x1c" in data


def test_an_identified_answer_without_identity_is_refused() -> None:
    with pytest.raises(TransactionFormatError):
        write_response(CriminalAnswer("T", "MA0130100", True, None), when=WHEN)


def test_a_match_without_fin_is_refused() -> None:
    with pytest.raises(TransactionFormatError):
        write_response(ImmigrationAnswer("T", "MA0130100", True, None), when=WHEN)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80), st.text(max_size=200))
def test_any_error_text_makes_a_readable_response(field: str, reason: str) -> None:
    data = write_response(ErrorAnswer("T", "MA0130100", field, reason), when=WHEN)
    back, _ = read_response(data)
    assert isinstance(back, ErrorAnswer)


def test_an_error_is_addressed_to_the_sender_of_a_broken_file(sample_bytes: bytes) -> None:
    broken = sample_bytes[:5000]
    with pytest.raises(TransactionFormatError) as caught:
        read_transaction(broken)
    answer = ErrorAnswer.for_submission(broken, caught.value)
    assert (answer.tcn, answer.ori) == ("jck tenprint card nqm", "MDNISTIMG")
    assert answer.field == "record 3 (Type-14) field 14.001 LEN"
    back, _ = read_response(write_response(answer, when=WHEN))
    assert back == answer
    assert ErrorAnswer.for_submission(b"junk", caught.value).tcn == ""


def test_a_malformed_recapture_line_is_refused_naming_2_060() -> None:
    txn = read_transaction(write_response(CriminalAnswer("TCN1", "MA0130100", False, recapture=(3,)), when=WHEN))
    txn.tagged(2)[0].set(60, [["RECAPTURE/3,eleven"]])
    from scomm.nist.writer import write_transaction

    with pytest.raises(TransactionFormatError) as err:
        read_response(write_transaction(txn))
    assert "2.060" in err.value.field
