"""Reading a file of the scanned tree: regular files only, never blocking, never unbounded.

Between discovery and reading, a hostile tree can swap a file for a FIFO (reading it hangs)
or a symlink to ``/dev/zero`` (reading it never ends: 2 GB in 2 s). So the file is opened
without blocking, checked with ``fstat`` on the open descriptor (what is read is what was
checked), and read up to a limit, whatever the size it claimed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class TooLarge(OSError):
    """The file holds more than the limit (it may have grown since it was sized)."""

    def __init__(self, size: int, text: str, path: str) -> None:
        super().__init__(0, text, path)
        #: The size seen (at least the limit plus one when the file grew while read).
        self.size = size


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises :class:`OSError` when it cannot be opened, is not a regular file (a FIFO, a
    device, a folder: ``strerror`` says so) or :class:`TooLarge` past ``limit``.
    """
    fd = os.open(path, _FLAGS)
    try:
        return read_descriptor(fd, limit, str(path))
    finally:
        os.close(fd)


def read_descriptor(fd: int, limit: int, name: str) -> bytes:
    """The bytes behind the open descriptor ``fd`` (checked with ``fstat``: a regular file,
    at most ``limit`` bytes even when it grows while read); the caller opens and closes it,
    so it can choose how (``O_NOFOLLOW``, relative to a folder descriptor)."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(0, "not a regular file", name)
    if info.st_size > limit:
        raise TooLarge(info.st_size, f"larger than {limit} bytes", name)
    chunks, left = [], limit + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLarge(len(data), f"grew past {limit} bytes while being read", name)
    return data


def read_regular_text(path: Path | str, limit: int, errors: str = "strict") -> str:
    """:func:`read_regular` decoded as UTF-8 (``UnicodeDecodeError`` unless ``errors`` says)."""
    return read_regular(path, limit).decode("utf-8", errors)
