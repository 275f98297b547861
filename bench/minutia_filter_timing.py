"""Cost of the learned minutia scorer: extraction CPU time with MINUTIA_FILTER off and on.

Both settings run alternately on every image of the shared sets in one process
(best of 3 per image, one BLAS thread), so machine load affects both alike.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/minutia_filter_timing.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).parent))


def main() -> None:
    import extractor_eval as E

    from scomm.biometrics import parameters as P
    from scomm.biometrics.extraction import extract

    for s in E.SETS:
        images = list(E.load_set(s).values())
        extract(images[0], 500)  # compile outside the timing
        best: dict[int, list[float]] = {0: [], 1: []}
        for img in images:
            for on in (0, 1):
                P.MINUTIA_FILTER = on
                times = []
                for _ in range(3):
                    t0 = time.process_time()
                    extract(img, 500)
                    times.append(time.process_time() - t0)
                best[on].append(min(times))
        off, on_ = 1000 * float(np.mean(best[0])), 1000 * float(np.mean(best[1]))
        print(f"{s}: scorer off {off:.1f} ms, on {on_:.1f} ms an image (x{on_ / off:.3f})")


if __name__ == "__main__":
    main()
