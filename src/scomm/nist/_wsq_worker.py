"""The WSQ decoding worker: NBIS's C decoder in a process of its own.

Fuzzing found inputs (mutated entropy-coded data of a real card) that make the NBIS
decoder shipped in the ``wsq`` package crash the process with a segmentation fault.
A booking service must survive any file an agency sends, so scomm decodes WSQ here,
in a child process, and treats a crash or a hang as "this image does not decode".

Run as a script by :mod:`scomm.nist.wsq_isolation`; it imports nothing of scomm.
Protocol on stdin/stdout, big-endian:
request ``u32 length, bytes``; reply ``u8 status, u32 width, u32 height, u32 length, bytes``
where status 0 means pixels follow and 1 means an error message follows.
"""

from __future__ import annotations

import os
import struct
import sys


def _read_exact(stream: object, n: int) -> bytes:
    buf = b""
    read = stream.read  # type: ignore[attr-defined]
    while len(buf) < n:
        chunk = read(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def main() -> None:
    import _wsq

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # NBIS prints its diagnostics to stderr; the status says enough
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            (n,) = struct.unpack(">I", _read_exact(stdin, 4))
            data = _read_exact(stdin, n)
        except EOFError:
            return
        try:
            pixels, width, height, _ppi = _wsq.decompress(data)
            reply = struct.pack(">BIII", 0, width, height, len(pixels)) + bytes(pixels)
        except Exception as exc:  # noqa: BLE001 - the C module raises a bare Exception
            message = str(exc).encode("utf-8", "replace")[:500]
            reply = struct.pack(">BIII", 1, 0, 0, len(message)) + message
        stdout.write(reply)
        stdout.flush()


if __name__ == "__main__":
    main()
