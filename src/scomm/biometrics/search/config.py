"""How a gallery searches: backend and first-stage size, stored in its manifest."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from scomm.biometrics.search import parameters as P
from scomm.errors import GalleryError

BACKENDS = ("cpu", "gpu")


@dataclass(frozen=True)
class SearchConfig:
    """Search settings of a gallery.

    ``backend`` "cpu" runs the first stage with NumPy/BLAS; "gpu" with PyTorch on
    a CUDA device (imported only then). ``candidates`` identities go from the
    first stage to the second (None: 32 for the descriptor matcher, 4 for MCC,
    whose preparation dominates a search's cost); galleries smaller than ``exhaustive_below``
    are compared exhaustively. ``cache_float32`` keeps a float32 copy of the
    descriptors in memory (1 KB per finger) instead of converting float16 chunks
    on every search. ``matcher`` names the second stage's 1:1 comparison
    (see ``scomm.biometrics.search.matcher``).
    """

    backend: str = "cpu"
    candidates: int | None = None
    exhaustive_below: int = P.EXHAUSTIVE_BELOW
    cache_float32: bool = True
    matcher: str = "mcc"

    def __post_init__(self) -> None:
        if self.matcher not in ("mcc", "descriptor"):
            raise GalleryError(f"search matcher must be 'mcc' or 'descriptor', got {self.matcher!r}")
        if self.backend not in BACKENDS:
            raise GalleryError(f"search backend must be one of {BACKENDS}, got {self.backend!r}")
        if self.candidates is not None and self.candidates < 1:
            raise GalleryError(f"search candidates must be >= 1, got {self.candidates}")

    @property
    def keep(self) -> int:
        """Identities the first stage keeps: ``candidates``, or the matcher's default."""
        if self.candidates is not None:
            return self.candidates
        return P.FIRST_STAGE_CANDIDATES if self.matcher == "descriptor" else P.FIRST_STAGE_CANDIDATES_MCC

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> SearchConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)  # type: ignore[arg-type]
