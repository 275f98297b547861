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
    (see ``scomm.biometrics.search.matcher``). ``device`` is the PyTorch device
    of the "gpu" backend: "cuda" (or "cuda:N"), or "cpu" to run the very same
    torch code on a machine without a GPU (to check it, not for speed).
    """

    backend: str = "cpu"
    candidates: int | None = None
    exhaustive_below: int = P.EXHAUSTIVE_BELOW
    cache_float32: bool = True
    matcher: str = "mcc"
    device: str = "cuda"

    def __post_init__(self) -> None:
        if self.matcher not in ("mcc", "descriptor"):
            raise GalleryError(f"search matcher must be 'mcc' or 'descriptor', got {self.matcher!r}")
        if self.backend not in BACKENDS:
            raise GalleryError(f"search backend must be one of {BACKENDS}, got {self.backend!r}")
        if not (self.device == "cpu" or self.device == "cuda" or self.device.startswith("cuda:")):
            raise GalleryError(f"search device must be 'cuda', 'cuda:N' or 'cpu', got {self.device!r}")
        if self.candidates is not None and self.candidates < 1:
            raise GalleryError(f"search candidates must be >= 1, got {self.candidates}")

    @property
    def keep(self) -> int:
        """Identities the first stage keeps: ``candidates``, or the matcher's default."""
        if self.candidates is not None:
            return self.candidates
        return P.FIRST_STAGE_CANDIDATES if self.matcher == "descriptor" else P.FIRST_STAGE_CANDIDATES_MCC

    def matcher_for(self, probe_fingers: int) -> str:
        """The second stage a probe of ``probe_fingers`` fingers gets: the configured one,
        except that probes too small for the descriptor matcher get MCC."""
        if self.matcher == "descriptor" and probe_fingers < P.DESCRIPTOR_MIN_FINGERS:
            return "mcc"
        return self.matcher

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> SearchConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)  # type: ignore[arg-type]
