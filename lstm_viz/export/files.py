"""Writing export files so that a reader never sees half a file: write a temporary file beside the target,
then ``os.replace`` it into place (atomic on one filesystem). A failure removes the temporary file and
leaves whatever was at the target before untouched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

FILE_MODE = 0o644  # mkstemp creates 0600 files; exports are meant to be shared


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator:
    """``with atomic_file(p) as fh: fh.write(...)``: ``p`` appears, complete, only if the block succeeds."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with atomic_file(path) as fh:
        fh.write(data)
    return Path(path)


def check_writable_dir(out: str | os.PathLike) -> Path:
    """Create ``out`` (and parents) if needed and make sure files can be created in it.

    Raises ValueError with a message a user can act on (not a traceback) when that is impossible.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {str(out)!r} is a file, not a directory.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise ValueError(f"cannot write to {str(out)!r}: {exc.strerror or exc}.") from None
    return out


def write_tree(out: str | os.PathLike, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``{relative/path: bytes}`` under ``out``, all or nothing as far as the filesystem allows.

    Every file is first written into a hidden staging directory inside ``out``; only when all of them
    are complete are they moved into place (one ``os.replace`` each). On failure the staging directory
    is removed and no new file appears.
    """
    out = check_writable_dir(out)
    targets = {}
    for name in files:
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"refusing to write {name!r} outside the output directory.")
        targets[name] = out / relative
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".lstm_viz-export-"))
    try:
        for name, data in files.items():
            staged = staging / name
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
            os.chmod(staged, FILE_MODE)
        for name, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return list(targets.values())
