"""The two galleries a booking is searched against, kept in step with the store.

The database is the system of record for gallery templates; the search indexes
(:class:`scomm.biometrics.search.Gallery`) are derived from it. A template is
written to the database inside the stage's transaction and added to the index
only after that transaction commits, so after a crash the index rebuilt from the
database is exactly what was committed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from scomm.biometrics import FingerPosition, Template
from scomm.biometrics.search import Gallery, SearchConfig, SearchResult
from scomm.store import Store
from scomm.store.schema import GalleryTemplateRow, IdentityRow


class GalleryName(StrEnum):
    CRIMINAL = "criminal"
    IMMIGRATION = "immigration"


class Galleries:
    """Both search indexes, built from the store."""

    def __init__(self, indexes: Mapping[GalleryName, Gallery]) -> None:
        self._indexes = dict(indexes)

    @classmethod
    def empty(cls, config: SearchConfig | None = None) -> Galleries:
        return cls({name: Gallery.create(None, name.value, config) for name in GalleryName})

    @classmethod
    def load(cls, store: Store, config: SearchConfig | None = None) -> Galleries:
        """Build both indexes from the store; ``config`` sets the search (matcher, candidates, backend)."""
        indexes = cls.empty(config)._indexes
        with store.sessions() as session:
            rows = session.execute(
                select(IdentityRow.gallery, GalleryTemplateRow.identity_id, GalleryTemplateRow.position,
                       GalleryTemplateRow.data)
                .join(IdentityRow, IdentityRow.id == GalleryTemplateRow.identity_id)
                .order_by(GalleryTemplateRow.identity_id)
            )
            grouped: dict[tuple[str, str], dict[FingerPosition, Template]] = defaultdict(dict)
            for gallery, identity_id, position, data in rows:
                grouped[(gallery, identity_id)][FingerPosition(position)] = Template.from_bytes(data)
        for name in GalleryName:
            indexes[name].enroll_many((iid, f) for (g, iid), f in grouped.items() if g == name.value)
        return cls(indexes)

    def index(self, name: GalleryName) -> Gallery:
        return self._indexes[name]

    def search(self, name: GalleryName, probe: Mapping[FingerPosition, Template], top_k: int = 5) -> SearchResult:
        return self._indexes[name].search(probe, top_k=top_k)

    def __len__(self) -> int:
        return sum(len(g) for g in self._indexes.values())


def store_templates(session: Session, identity_id: str, fingers: Mapping[FingerPosition, Template]) -> None:
    """Write an identity's templates to the system of record (inside the caller's transaction)."""
    for position, template in fingers.items():
        session.add(GalleryTemplateRow(identity_id=identity_id, position=int(position), data=template.to_bytes()))
