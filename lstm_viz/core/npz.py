"""Reading ``.npz`` weight files defensively: names, shapes and sizes are checked from the
file headers *before* any array is read, and pickled payloads are never executed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np

MAX_ELEMENTS = 4_000_000  # 32 MB of float64: far above any teaching model (H <= 64 -> 17k weights).


def read_npz(
    source, required: tuple[str, ...], optional: tuple[str, ...] = (), max_elements: int = MAX_ELEMENTS
) -> dict:
    """Return ``{name: array}`` from an ``.npz`` path, bytes or file object.

    Refuses (``ValueError``): files that are not ``.npz`` archives, missing or unexpected names,
    object/pickled arrays, and arrays with more than ``max_elements`` values in total.
    """
    try:
        archive = zipfile.ZipFile(_as_file(source))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"this is not a NumPy .npz weights file ({exc}).") from None
    with archive:
        members = {Path(n).stem: n for n in archive.namelist() if n.endswith(".npy")}
        if len(members) != len(archive.namelist()):
            raise ValueError("the .npz file holds entries that are not NumPy arrays.")
        missing = [n for n in required if n not in members]
        if missing:
            raise ValueError(
                f"the weights file is missing {', '.join(missing)} (it has: {', '.join(sorted(members)) or 'nothing'})."
            )
        unexpected = sorted(set(members) - set(required) - set(optional))
        if unexpected:
            raise ValueError(f"the weights file holds unexpected arrays: {', '.join(unexpected)}.")
        headers = {name: _read_header(archive, member, name) for name, member in members.items()}
        total = sum(int(np.prod(shape)) for shape, _ in headers.values())
        if total > max_elements:
            raise ValueError(f"the weights file holds {total:,} numbers; the limit is {max_elements:,}.")
        return {name: _read_array(archive, member, name) for name, member in members.items()}


def _as_file(source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source))
    return source


def _read_header(archive: zipfile.ZipFile, member: str, name: str):
    with archive.open(member) as fh:
        try:
            version = np.lib.format.read_magic(fh)
            read_header = (
                np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            )
            shape, _, dtype = read_header(fh)
        except ValueError as exc:
            raise ValueError(f"array {name!r} in the weights file is damaged ({exc}).") from None
    if dtype.hasobject:
        raise ValueError(f"array {name!r} holds Python objects (a pickle); only numeric arrays are accepted.")
    return shape, dtype


def _read_array(archive: zipfile.ZipFile, member: str, name: str) -> np.ndarray:
    with archive.open(member) as fh:
        try:
            return np.lib.format.read_array(fh, allow_pickle=False)
        except ValueError as exc:
            raise ValueError(f"array {name!r} in the weights file could not be read ({exc}).") from None
