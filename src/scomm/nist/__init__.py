"""ANSI/NIST-ITL transactions (traditional encoding): read, write, map to bookings, answer.

    read_booking(path_or_bytes) -> BookingSubmission      a CAR as the pipeline's input
    write_response(answer) -> bytes                       SRE, IDR, IDR/IAR, no-match, ERRT
    read_transaction / write_transaction                  the lossless codec underneath
"""

from scomm.nist.booking import (
    CRIMINAL_TENPRINT_TOTS,
    booking_from_transaction,
    booking_transaction,
    car_from_tenprint,
    read_booking,
    type2_for_booking,
)
from scomm.nist.images import (
    FingerImageRecord,
    decode_image,
    decode_wsq,
    encode_wsq,
    finger_image_records,
)
from scomm.nist.minutiae import (
    StandardMinutia,
    StandardMinutiae,
    read_standard_minutiae,
    standard_minutiae_record,
)
from scomm.nist.reader import read_transaction, read_transaction_file, read_type1
from scomm.nist.responses import (
    Answer,
    CriminalAnswer,
    ErrorAnswer,
    IarData,
    ImmigrationAnswer,
    read_response,
    response_transaction,
    write_response,
)
from scomm.nist.transaction import BinaryRecord, Field, TaggedRecord, Transaction, content_field
from scomm.nist.validation import check_images_decode, validate_transaction
from scomm.nist.writer import write_transaction

__all__ = [
    "CRIMINAL_TENPRINT_TOTS",
    "Answer",
    "BinaryRecord",
    "CriminalAnswer",
    "ErrorAnswer",
    "Field",
    "FingerImageRecord",
    "IarData",
    "ImmigrationAnswer",
    "StandardMinutia",
    "StandardMinutiae",
    "TaggedRecord",
    "Transaction",
    "booking_from_transaction",
    "booking_transaction",
    "car_from_tenprint",
    "check_images_decode",
    "content_field",
    "decode_image",
    "decode_wsq",
    "encode_wsq",
    "finger_image_records",
    "read_booking",
    "read_response",
    "read_standard_minutiae",
    "read_transaction",
    "read_transaction_file",
    "read_type1",
    "response_transaction",
    "standard_minutiae_record",
    "type2_for_booking",
    "validate_transaction",
    "write_response",
    "write_transaction",
]
