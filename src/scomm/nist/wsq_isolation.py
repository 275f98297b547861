"""WSQ decoding in a child process, so a crash or hang in C code costs one image, not the service.

One long-lived worker (``_wsq_worker.py``, started on first use with the same Python)
serves requests one at a time under a lock. If it dies (a segmentation fault in the
NBIS decoder, found by bench/nist_fuzz.py --engine wsq) or does not answer within the
time limit, it is killed, the image is refused with TransactionFormatError, and the
next request starts a fresh worker.
"""

from __future__ import annotations

import atexit
import os
import selectors
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from scomm.errors import TransactionFormatError
from scomm.nist.parameters import MAX_IMAGE_PIXELS, WSQ_DECODE_TIMEOUT_S

_WORKER = Path(__file__).with_name("_wsq_worker.py")


class _Worker:
    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            # -P: the worker's own folder (scomm/nist) is not put on sys.path
            self._proc = subprocess.Popen(
                [sys.executable, "-P", str(_WORKER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        return self._proc

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def decode(self, data: bytes, loc: str, timeout: float) -> tuple[bytes, int, int]:
        with self._lock:
            proc = self._start()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.write(struct.pack(">I", len(data)) + data)
                proc.stdin.flush()
                deadline = time.monotonic() + timeout
                status, width, height, n = struct.unpack(">BIII", _read(proc, 13, deadline))
                if n > MAX_IMAGE_PIXELS:
                    raise EOFError
                payload = _read(proc, n, deadline)
            except TimeoutError:
                self.close()
                raise TransactionFormatError(loc, f"WSQ decoder did not finish within {timeout:.0f} s") from None
            except (EOFError, BrokenPipeError, OSError):
                code = proc.poll()
                self.close()
                how = f"the decoder crashed (exit {code})" if code is not None else "the decoder stopped answering"
                raise TransactionFormatError(loc, f"WSQ image does not decode: {how}") from None
        if status != 0:
            raise TransactionFormatError(loc, f"WSQ image does not decode ({payload.decode('utf-8', 'replace')})")
        return payload, width, height


def _read(proc: subprocess.Popen[bytes], n: int, deadline: float) -> bytes:
    """Exactly ``n`` bytes from the worker's stdout, or TimeoutError / EOFError."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    chunks: list[bytes] = []
    got = 0
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                raise TimeoutError
            chunk = os.read(fd, min(n - got, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            got += len(chunk)
    return b"".join(chunks)


_worker = _Worker()
atexit.register(_worker.close)


def decode_isolated(data: bytes, loc: str, timeout: float = WSQ_DECODE_TIMEOUT_S) -> tuple[bytes, int, int]:
    """(pixels, width, height) from WSQ bytes, decoded in the worker process."""
    return _worker.decode(data, loc, timeout)
