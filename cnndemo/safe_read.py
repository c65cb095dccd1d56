"""Read untrusted JSON and ``.npz`` bytes within budgets, before anything big is allocated.

Anyone can hand the app a model file, so reading one must never cost more than a small, known
amount of memory and time, whatever the file claims:

- JSON: the byte count is checked first, then the nesting depth is measured by scanning the
  brackets (Python's parser would otherwise recurse once per level and fail with
  RecursionError), and only then is the text parsed.
- ``.npz`` (a zip of ``.npy`` arrays): the zip's directory is read first (no member inflated):
  member count, names (no duplicates, only ``.npy``), declared sizes and their total are checked.
  Each member is then inflated as a stream that stops one byte past its budget (a declared size
  can lie), its ``.npy`` header is parsed on its own, and the array it declares (dtype, shape,
  bytes) is checked before a single element is read. No pickle: object arrays are refused.
- A deadline bounds the time a caller may spend (``TimeoutError`` is never raised: the reader
  raises :class:`UnsafeFileError` saying the budget ran out).

Every failure is an :class:`UnsafeFileError` (a ValueError) with a message for a learner.
"""

from __future__ import annotations

import ast
import io
import json
import math
import re
import time
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Budget", "UnsafeFileError", "json_depth", "read_json", "read_npz"]


class UnsafeFileError(ValueError):
    """A file that breaks a reading budget or is malformed; the message says which."""


@dataclass(frozen=True)
class Budget:
    """What reading one file may cost.

    Attributes
    ----------
    max_bytes : int
        Largest file accepted (compressed size for ``.npz``).
    max_depth : int
        Deepest JSON nesting of arrays and objects.
    max_members : int
        Most members of an ``.npz`` archive.
    max_member_bytes : int
        Largest inflated member (``.npy`` header included).
    max_total_bytes : int
        Largest inflated total of all members.
    seconds : float
        Wall-clock time the reading may take.
    """

    max_bytes: int = 16 * 2**20
    max_depth: int = 32
    max_members: int = 64
    max_member_bytes: int = 32 * 2**20
    max_total_bytes: int = 64 * 2**20
    seconds: float = 2.0


_STRUCTURE = re.compile(rb'["\\\[\]{}]')
_CHUNK = 1 << 16
_MAX_NPY_HEADER = 4096


def json_depth(data: bytes, limit: int) -> int:
    """Nesting depth of JSON text (strings skipped), stopping as soon as it passes ``limit``."""
    depth = deepest = 0
    in_string = escaped = False
    last_escape = -2
    for match in _STRUCTURE.finditer(data):
        char = match.group()
        if in_string:
            if escaped:
                # A backslash escapes the next character only when it is adjacent.
                escaped = False
                if match.start() == last_escape + 1:
                    continue
            if char == b"\\":
                escaped, last_escape = True, match.start()
            elif char == b'"':
                in_string = False
        elif char == b'"':
            in_string = True
        elif char in b"[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif char in b"]}":
            depth -= 1
    return deepest


def read_json(data: bytes, budget: Budget = Budget()) -> Any:
    """Parse JSON bytes after checking their size and nesting depth."""
    if len(data) > budget.max_bytes:
        raise UnsafeFileError(
            f"the file has {len(data):,} bytes; the limit is {budget.max_bytes:,}"
        )
    if json_depth(data, budget.max_depth) > budget.max_depth:
        raise UnsafeFileError(f"the JSON is nested more than {budget.max_depth} levels deep")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnsafeFileError("the file is not UTF-8 text") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UnsafeFileError(f"not valid JSON ({_first_line(error)})") from error
    except (RecursionError, ValueError) as error:
        # Python refuses integers of more than 4300 digits (int_max_str_digits).
        raise UnsafeFileError("the JSON holds a number too long to read") from error


def read_npz(data: bytes, budget: Budget = Budget()) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` archive, by name (without ``.npy``), read within ``budget``."""
    deadline = time.monotonic() + budget.seconds
    if len(data) > budget.max_bytes:
        raise UnsafeFileError(
            f"the file has {len(data):,} bytes; the limit is {budget.max_bytes:,}"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UnsafeFileError("not a readable .npz archive (a damaged or cut-short zip)") from error
    if len(members) > budget.max_members:
        raise UnsafeFileError(
            f"the archive lists {len(members):,} members; at most {budget.max_members} are read"
        )
    names = [m.filename for m in members]
    if len(set(names)) != len(names):
        raise UnsafeFileError("the archive lists the same member name more than once")
    declared = 0
    for member in members:
        if not member.filename.endswith(".npy") or "/" in member.filename:
            raise UnsafeFileError(f"the archive holds {_quote(member.filename)}, not an array")
        if member.file_size > budget.max_member_bytes:
            raise UnsafeFileError(
                f"member {_quote(member.filename)} inflates to {member.file_size:,} bytes; "
                f"the limit is {budget.max_member_bytes:,}"
            )
        declared += member.file_size
    if declared > budget.max_total_bytes:
        raise UnsafeFileError(
            f"the archive inflates to {declared:,} bytes; the limit is {budget.max_total_bytes:,}"
        )
    arrays: dict[str, np.ndarray] = {}
    total = 0
    for member in members:
        raw = _inflate(archive, member, budget.max_member_bytes, deadline)
        total += len(raw)
        if total > budget.max_total_bytes:
            raise UnsafeFileError(
                f"the archive inflates to more than {budget.max_total_bytes:,} bytes"
            )
        arrays[member.filename[: -len(".npy")]] = _npy_array(raw, member.filename)
    return arrays


def _inflate(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int, deadline: float
) -> bytes:
    """A member's bytes, read in chunks; stops one byte past ``limit`` or at the deadline."""
    parts, size = [], 0
    try:
        with archive.open(member) as stream:
            while True:
                if time.monotonic() > deadline:
                    raise UnsafeFileError("reading the archive took too long; it was stopped")
                chunk = stream.read(min(_CHUNK, limit + 1 - size))
                if not chunk:
                    break
                parts.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise UnsafeFileError(
                        f"member {_quote(member.filename)} inflates past {limit:,} bytes"
                    )
    except UnsafeFileError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        # The zip library's words (CRC, headers, zlib codes) would mean nothing to a learner.
        raise UnsafeFileError(
            f"member {_quote(member.filename)} cannot be read (the archive is damaged)"
        ) from error
    return b"".join(parts)


def _npy_array(raw: bytes, name: str) -> np.ndarray:
    """Parse one ``.npy`` file held in memory, checking its header before its data."""
    stream = io.BytesIO(raw)
    try:
        major, _ = np.lib.format.read_magic(stream)
        if major == 1:
            header_length = int.from_bytes(stream.read(2), "little")
        elif major in (2, 3):
            header_length = int.from_bytes(stream.read(4), "little")
        else:
            raise ValueError(f"unknown .npy version {major}")
        if header_length > _MAX_NPY_HEADER:
            raise ValueError("header too long")
        header = ast.literal_eval(stream.read(header_length).decode("latin1"))
        if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
            raise ValueError("malformed header")
        dtype = np.dtype(np.lib.format.descr_to_dtype(header["descr"]))
        shape = header["shape"]
        if not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0 for n in shape):
            raise ValueError("malformed shape")
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as error:
        raise UnsafeFileError(
            f"member {_quote(name)} is not a plain array ({_first_line(error)})"
        ) from error
    if dtype.hasobject or dtype.kind not in "biufU" or len(shape) > 8:
        raise UnsafeFileError(f"member {_quote(name)} is not an array of plain numbers or text")
    data = raw[stream.tell() :]
    if math.prod(shape) * dtype.itemsize != len(data):
        raise UnsafeFileError(f"member {_quote(name)} does not hold the data its header declares")
    order = "F" if header["fortran_order"] else "C"
    return np.frombuffer(data, dtype=dtype).reshape(shape, order=order).copy()


def _quote(text: str, limit: int = 40) -> str:
    """A file-supplied name made safe to quote: plain characters only, shortened."""
    clean = re.sub(r"[^A-Za-z0-9_.-]", "?", text)
    return "'" + (clean if len(clean) <= limit else clean[:limit] + "…") + "'"


def _first_line(error: BaseException) -> str:
    """An error's text cut to one short line (library messages can be long or odd)."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:80]
