"""Every write codeward makes to a project: fixed sources, ``.env``, ``.gitignore``, ``.env.example``.

The command line and the language server share this one code path, because a scanned
repository is hostile input and a fix must never be turned into a write elsewhere:

* the target is a path *inside* the project root, named relatively, without ``..``;
* no component below the root may be a symlink (each folder is opened with ``O_NOFOLLOW``
  and the file is reached through that folder's descriptor, so a swap during the write is
  caught too);
* only regular files are read or replaced: a FIFO, a device or a folder is refused, and
  opening never blocks (``O_NONBLOCK``), so a FIFO cannot hang the CLI or the server;
* the new content goes to a temporary file in the same folder, then replaces the target
  with ``os.replace`` (atomic: a failed write leaves the old file whole); an existing
  file keeps its mode, a new file that holds a secret is created ``0600``;
* a secret goes only to a file git ignores and does not track (asked of git itself, now,
  through the hardened runner), so a fix never stages a credential for commit.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from codeward.checks.model import FileEdit
from codeward.checks.reading import TooLarge, read_descriptor
from codeward.checks.secrets import git

#: Largest file a fix reads back to append to (``.gitignore`` and ``.env`` are small).
MAX_READ_BYTES = 4 * 1024 * 1024
_NEW_FILE_MODE = 0o666
_SECRET_FILE_MODE = 0o600


class WriteRefused(Exception):
    """A write that would be unsafe or failed; the message says why, never the content."""


@dataclass(frozen=True)
class WriteOutcome:
    """What one file edit did, for the user or the log (never the text written)."""

    path: str
    message: str
    ok: bool


def _parts(relative: str) -> tuple[str, ...]:
    pure = PurePosixPath(relative.replace(os.sep, "/"))
    if pure.is_absolute() or not pure.parts or any(part in ("..", "") for part in pure.parts):
        raise WriteRefused(f"{relative}: not a path inside the project")
    return tuple(part for part in pure.parts if part != ".")


@contextlib.contextmanager
def _folder(root: Path, folders: tuple[str, ...]) -> Iterator[int]:
    """A descriptor of ``root/folders``, reached without following any symlink below root."""
    flags = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(root, flags)
    except OSError as exc:
        raise WriteRefused(f"project root unavailable ({exc.strerror})") from exc
    try:
        for name in folders:
            try:
                child = os.open(name, flags | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                raise WriteRefused(f"{name}/ is a symlink or not a folder ({exc.strerror})") from exc
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _read_existing(folder: int, name: str) -> tuple[bytes | None, int | None]:
    """(content, mode) of the regular file ``name`` in ``folder``, or (None, None) if absent."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(name, flags, dir_fd=folder)
    except FileNotFoundError:
        with contextlib.suppress(FileNotFoundError):
            # A dangling symlink is "not found" for open but exists as a link.
            if stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
                raise WriteRefused(f"{name} is a symlink") from None
        return None, None
    except OSError as exc:
        raise WriteRefused(f"{name} is a symlink or cannot be opened ({exc.strerror})") from exc
    try:
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        return read_descriptor(fd, MAX_READ_BYTES, name), mode
    except TooLarge:
        raise WriteRefused(f"{name} is larger than {MAX_READ_BYTES // (1024 * 1024)} MiB") from None
    except OSError as exc:
        raise WriteRefused(f"{name} is {exc.strerror or 'unreadable'}") from exc
    finally:
        os.close(fd)


def _replace(folder: int, name: str, data: bytes, mode: int) -> None:
    """Write ``data`` to a temporary file beside ``name`` and rename it over ``name``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    temporary = f".{name}.codeward-{os.urandom(6).hex()}.tmp"
    fd = os.open(temporary, flags, 0o600, dir_fd=folder)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise


def _umasked(mode: int) -> int:
    current = os.umask(0o022)
    os.umask(current)
    return mode & ~current


def read_bytes(root: Path, relative: str) -> bytes | None:
    """The content of a regular file inside ``root`` (None when absent), read without
    following symlinks or blocking; raises :class:`WriteRefused` otherwise."""
    *folders, name = _parts(relative)
    with _folder(root, tuple(folders)) as folder:
        data, _ = _read_existing(folder, name)
    return data


def read_text(root: Path, relative: str, encoding: str = "utf-8") -> str | None:
    """:func:`read_bytes` decoded; raises :class:`WriteRefused` for text in another encoding."""
    data = read_bytes(root, relative)
    if data is None:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise WriteRefused(f"{relative} is not {encoding} text") from exc


def write_text(root: Path, relative: str, text: str, encoding: str = "utf-8", *, secret: bool = False) -> None:
    """Replace (or create) ``root/relative`` with ``text``, atomically and without following
    symlinks; an existing file keeps its mode, a new secret file is ``0600``."""
    try:
        data = text.encode(encoding)
    except (UnicodeEncodeError, LookupError) as exc:
        raise WriteRefused(f"{relative}: the new text cannot be written as {encoding}") from exc
    write_bytes(root, relative, data, secret=secret)


def write_bytes(root: Path, relative: str, data: bytes, *, secret: bool = False) -> None:
    """:func:`write_text` for content already encoded."""
    *folders, name = _parts(relative)
    with _folder(root, tuple(folders)) as folder:
        _, mode = _read_existing(folder, name)
        if mode is None:
            mode = _SECRET_FILE_MODE if secret else _umasked(_NEW_FILE_MODE)
        try:
            _replace(folder, name, data, mode)
        except OSError as exc:
            raise WriteRefused(f"could not write {relative} ({exc.strerror or type(exc).__name__})") from exc


def remove(root: Path, relative: str) -> None:
    """Delete the regular file ``root/relative`` (never through a symlink); absent is fine."""
    *folders, name = _parts(relative)
    with _folder(root, tuple(folders)) as folder:
        data, _ = _read_existing(folder, name)  # refuses a symlink or special file
        if data is not None:
            try:
                os.unlink(name, dir_fd=folder)
            except OSError as exc:
                raise WriteRefused(f"could not remove {relative} ({exc.strerror})") from exc


def secret_destination_problem(root: Path, relative: str) -> str | None:
    """Why a secret must not be written to ``root/relative`` now, or None when it may.

    Asked of git at the moment of writing: the file must not be tracked (the value would be
    in the next commit) and must be ignored (else ``git add .`` stages it)."""
    target = root / relative
    repo = git.find_repo(str(target.parent))
    if repo is None:
        return None
    if git.is_tracked(repo, target, fresh=True):
        return f"git tracks {relative}, so a value written there would be committed"
    if not git.is_ignored(repo, target, fresh=True):
        return f"git does not ignore {relative} (check .gitignore, e.g. a later `!{relative}` rule)"
    return None


def _already_there(existing: str, addition: str) -> bool:
    """Every line of ``addition`` is already a whole line of ``existing`` (not a substring:
    ``.envrc`` does not contain the rule ``.env``)."""
    present = {line.strip() for line in existing.splitlines()}
    wanted = [line.strip() for line in addition.splitlines() if line.strip()]
    return bool(wanted) and all(line in present for line in wanted)


def append_file_edit(root: Path, edit: FileEdit) -> WriteOutcome:
    """Append ``edit`` to its file below ``root`` unless its lines are already there."""
    try:
        if edit.sensitive:
            problem = secret_destination_problem(root, edit.path)
            if problem is not None:
                raise WriteRefused(problem)
        existing = read_text(root, edit.path)
        if existing is None and not edit.create:
            return WriteOutcome(edit.path, f"skipped {edit.path}: missing", True)  # optional (.env.example)
        existing = existing or ""
        if _already_there(existing, edit.append):
            return WriteOutcome(edit.path, f"{edit.path} already up to date", True)
        joiner = "" if not existing or existing.endswith("\n") else "\n"
        write_text(root, edit.path, existing + joiner + edit.append, secret=edit.sensitive)
    except WriteRefused as refused:
        return WriteOutcome(edit.path, f"{edit.path} not written: {refused}", False)
    return WriteOutcome(edit.path, edit.description or f"updated {edit.path}", True)


def apply_file_edits(root: Path, edits: tuple[FileEdit, ...] | list[FileEdit]) -> list[WriteOutcome]:
    """Apply ``edits`` in order (``.gitignore`` before ``.env``), stopping at the first that
    fails: a ``.env`` must not be written when ``.gitignore`` could not be."""
    outcomes: list[WriteOutcome] = []
    for edit in edits:
        outcome = append_file_edit(root, edit)
        outcomes.append(outcome)
        if not outcome.ok:
            break
    return outcomes


def file_states(root: Path, relatives: list[str]) -> dict[str, bytes | None]:
    """Each file's content now (None: absent), to put back with :func:`restore`; files that
    cannot be read are left out (no edit can be applied to them either)."""
    states: dict[str, bytes | None] = {}
    for relative in dict.fromkeys(relatives):
        try:
            states[relative] = read_bytes(root, relative)
        except WriteRefused:
            continue
    return states


def restore(root: Path, states: dict[str, bytes | None]) -> list[WriteOutcome]:
    """Put files back as :func:`file_states` found them (a file that was absent is removed),
    through the same safe path; what was done, never the content."""
    outcomes = []
    for relative, data in states.items():
        try:
            if read_bytes(root, relative) == data:
                continue
            if data is None:
                remove(root, relative)
            else:
                write_bytes(root, relative, data)
        except WriteRefused as refused:
            outcomes.append(WriteOutcome(relative, f"{relative} not restored: {refused}", False))
            continue
        outcomes.append(WriteOutcome(relative, f"restored {relative}", True))
    return outcomes


def safe_target(root: Path, relative: str) -> bool:
    """True when ``root/relative`` could be written by this module (inside the root, no
    symlink on the way, a regular file or absent): lets the language server decide whether
    to hand a file edit to the client, which would follow symlinks."""
    try:
        *folders, name = _parts(relative)
        with _folder(root, tuple(folders)) as folder:
            _read_existing(folder, name)
    except WriteRefused:
        return False
    return True
