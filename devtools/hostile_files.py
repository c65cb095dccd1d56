"""The hostile model files of issue 17, built in memory for the tests and the load benchmark.

Each is small (at most a few hundred KB) and claims something huge: a zip listing one deflated
100 MB member thousands of times, an ``.npy`` header declaring terabytes, JSON nested 100,000
deep, a real model file whose hyper-parameters or input size were edited upwards.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from cnndemo import persist
from cnndemo.models import build_model

__all__ = [
    "deep_json",
    "edited_model",
    "npy_bytes",
    "peak_growth_kib",
    "terabyte_npz",
    "zip_bomb",
]


def npy_bytes(array: np.ndarray) -> bytes:
    """The ``.npy`` file of ``array``."""
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def zip_bomb(listings: int = 3011, inflated: int = 100 * 2**20) -> bytes:
    """One deflated member of ``inflated`` zero bytes, listed ``listings`` times in the directory
    (every entry points at the same compressed data, so the file stays small)."""
    compressor = zlib.compressobj(9, 8, -15)
    body = compressor.compress(b"\0" * inflated) + compressor.flush()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("w.npy")
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, b"\0" * 16)  # a real first member to copy headers from
    real = buffer.getvalue()
    local_end = real.index(b"PK\x01\x02")
    central = real[local_end : real.index(b"PK\x05\x06")]
    # Rewrite the member's sizes to point at the big stream, and repeat the directory entry.
    local = bytearray(real[: 30 + len("w.npy")])
    crc = zlib.crc32(b"\0" * inflated)
    local[14:18] = crc.to_bytes(4, "little")
    local[18:22] = len(body).to_bytes(4, "little")
    local[22:26] = inflated.to_bytes(4, "little")
    entry = bytearray(central)
    entry[16:20] = crc.to_bytes(4, "little")
    entry[20:24] = len(body).to_bytes(4, "little")
    entry[24:28] = inflated.to_bytes(4, "little")
    directory = bytes(entry) * listings
    start = len(local) + len(body)
    end = (
        b"PK\x05\x06"
        + b"\0\0\0\0"
        + listings.to_bytes(2, "little") * 2
        + len(directory).to_bytes(4, "little")
        + start.to_bytes(4, "little")
        + b"\0\0"
    )
    return bytes(local) + body + directory + end


def terabyte_npz(section: int = 3) -> bytes:
    """A real ``.npz`` model file whose first weight's ``.npy`` header declares 8 TB of float64
    (1,000,000 x 1,000,000) over the few bytes it holds."""
    model = build_model(section)
    buffer = io.BytesIO(persist.dumps(model, "npz"))
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for i, info in enumerate(source.infolist()):
            raw = source.read(info)
            if i == 0:
                shape = repr(np.lib.format.read_array(io.BytesIO(raw)).shape).encode()
                raw = raw.replace(shape, b"(1000000, 1000000)", 1)
            target.writestr(info.filename, raw)
    return out.getvalue()


def deep_json(levels: int = 100_000) -> bytes:
    """A JSON document nested ``levels`` deep (Python's parser would recurse once per level)."""
    return b"[" * levels + b"]" * levels


def edited_model(
    section: int = 3,
    hyperparameters: dict[str, Any] | None = None,
    **top: Any,
) -> bytes:
    """A model file as the page downloads it, then edited: ``hyperparameters`` entries replaced
    and top-level entries (``input_size``, ``vocabulary``, ...) set, weights left as they were."""
    doc = json.loads(persist.dumps(build_model(section)))
    doc["hyperparameters"].update(hyperparameters or {})
    doc.update(top)
    return json.dumps(doc).encode()


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak_growth_kib(work: Callable[[], object]) -> int:
    """How far this process's peak resident memory rose above its current size during
    ``work()`` (Linux: the peak, VmHWM, is reset first through /proc/self/clear_refs).
    Exceptions from ``work`` are swallowed: the hostile files are meant to fail."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    before = _status_kib("VmRSS")
    try:
        work()
    except Exception:  # noqa: BLE001, S110 - the outcome is measured elsewhere; memory here
        pass
    return _status_kib("VmHWM") - before
