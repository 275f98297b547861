"""Real fingerprint images (FVC2002 DB2_B, optical, 569 dpi) through intake and the 1:N searches."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import ACTIVE_ORI, World
from scomm.biometrics import FingerPosition, load_image
from scomm.errors import InvalidSubmission
from scomm.pipeline.status import BookingStatus
from scomm.pipeline.submission import BookingSubmission, Charge, FingerImpression, Sex, Subject
from scomm.store.schema import BookingRow

FVC = Path("../shared/data/fvc2002-db2b")
FINGERS = (101, 102, 103, 104)

pytestmark = pytest.mark.skipif(not FVC.is_dir(), reason="needs ../shared/data/fvc2002-db2b beside the checkout")


def image_submission(tcn: str, finger: int, impression: int) -> BookingSubmission:
    img, ppi = load_image(FVC / f"{finger}_{impression}.tif")
    return BookingSubmission(
        tcn=tcn, ori=ACTIVE_ORI, arrest_date=date(2010, 5, 1),
        subject=Subject("ROE", "RICHARD", date(1975, 2, 2), Sex.MALE, "MA"), charges=(Charge("5499"),),
        fingers=(FingerImpression(FingerPosition.RIGHT_INDEX, image=img, ppi=ppi),),
    )


def test_real_impressions_of_one_finger_find_the_same_identity(sqlite_world: World):
    p = sqlite_world.pipeline()
    for finger in FINGERS:
        assert p.process(image_submission(f"E-{finger}", finger, 1)) is BookingStatus.COMPLETED
    with sqlite_world.store.sessions() as session:
        enrolled = {r.tcn: r.criminal_identity_id for r in session.execute(select(BookingRow)).scalars()}
    assert len(set(enrolled.values())) == len(FINGERS)  # four different people: four new identities
    found = 0
    for finger in FINGERS:
        p.process(image_submission(f"P-{finger}", finger, 4))
        with sqlite_world.store.sessions() as session:
            row = session.execute(select(BookingRow).where(BookingRow.tcn == f"P-{finger}")).scalar_one()
        found += row.criminal_identified and row.criminal_identity_id == enrolled[f"E-{finger}"]
    assert found >= len(FINGERS) - 1


def test_a_blank_image_is_refused_naming_the_finger(sqlite_world: World):
    import numpy as np

    sub = image_submission("B-1", 101, 1)
    blank = np.full((400, 300), 255, np.uint8)
    object.__setattr__(sub, "fingers", (FingerImpression(FingerPosition.RIGHT_INDEX, image=blank, ppi=500),))
    with pytest.raises(InvalidSubmission) as err:
        sqlite_world.pipeline().submit(sub)
    assert err.value.field == "fingers[0].image"
