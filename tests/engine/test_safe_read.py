"""cnndemo.safe_read: hostile JSON and .npz files end in one clear message, fast, in bounded memory.

The hostile files are the ones of issue 17 (a shared demo taken down by a small upload): a zip
listing one huge deflated member thousands of times, a member declaring gigabytes, an .npy
header declaring terabytes, JSON nested 100,000 deep, numbers with too many digits.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

from cnndemo import persist
from cnndemo.models import build_model
from cnndemo.safe_read import Budget, UnsafeFileError, json_depth, read_json, read_npz
from devtools.hostile_files import npy_bytes as _npy
from devtools.hostile_files import zip_bomb


def test_a_zip_bomb_is_refused_from_its_directory_in_milliseconds():
    bomb = zip_bomb()
    assert len(bomb) < 400_000
    start = time.perf_counter()
    with pytest.raises(UnsafeFileError, match="lists 3,011 members"):
        read_npz(bomb)
    with pytest.raises(persist.ModelFileError, match="cannot read the .npz"):
        persist.loads(bomb)
    assert time.perf_counter() - start < 2.0  # generous: it takes milliseconds
    with pytest.raises(UnsafeFileError, match="same member name more than once"):
        read_npz(zip_bomb(listings=3))
    with pytest.raises(UnsafeFileError, match="inflates to 104,857,600 bytes"):
        read_npz(zip_bomb(listings=1))


def test_the_zip_bomb_costs_no_memory_in_a_fresh_process(tmp_path):
    path = tmp_path / "bomb.npz"
    path.write_bytes(zip_bomb())
    code = (
        "import resource, sys\n"
        "from cnndemo import persist\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        f"    persist.load({str(path)!r})\n"
        "except persist.ModelFileError:\n"
        "    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    grown_kib = int(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                   text=True, check=True).stdout)  # fmt: skip
    assert grown_kib < 20 * 1024  # well under the 100 MB member, let alone 3,011 of them


def test_an_npy_header_declaring_terabytes_is_refused_before_reading():
    header = _npy(np.zeros((2, 2)))
    huge = header.replace(b"(2, 2)", b"(1000000, 1000000)")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("w.npy", huge)
    with pytest.raises(UnsafeFileError, match="does not hold the data its header declares"):
        read_npz(buffer.getvalue())


def test_object_arrays_and_strange_members_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil.txt", b"x")
    with pytest.raises(UnsafeFileError, match="not an array"):
        read_npz(buffer.getvalue())
    buffer = io.BytesIO()
    np.savez(buffer, a=np.array([{"a": 1}], dtype=object))
    with pytest.raises(UnsafeFileError, match="not a plain array|plain numbers"):
        read_npz(buffer.getvalue())


def test_plain_archives_round_trip_in_both_orders():
    arrays = {"c": np.arange(6.0).reshape(2, 3), "f": np.asfortranarray(np.ones((3, 2))),
              "t": np.array("text")}  # fmt: skip
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    read = read_npz(buffer.getvalue())
    for name, value in arrays.items():
        np.testing.assert_array_equal(read[name], value)


def test_the_time_budget_stops_a_slow_read():
    buffer = io.BytesIO()
    np.savez(buffer, a=np.zeros(10))
    with pytest.raises(UnsafeFileError, match="took too long"):
        read_npz(buffer.getvalue(), Budget(seconds=-1.0))


def test_deep_json_is_refused_without_recursing():
    deep = b"[" * 100_000 + b"]" * 100_000
    start = time.perf_counter()
    with pytest.raises(UnsafeFileError, match="nested more than 32 levels"):
        read_json(deep)
    with pytest.raises(persist.ModelFileError, match="nested more than 32"):
        persist.loads(deep)
    assert time.perf_counter() - start < 2.0


def test_json_depth_skips_brackets_inside_strings_and_escapes():
    assert json_depth(b'{"a": "[[[[", "b": [1, [2]]}', 10) == 3
    assert json_depth(b'["\\"[[", "\\\\", [[]]]', 10) == 3
    assert json_depth(b'["\\n[", {}]', 10) == 2


def test_numbers_with_too_many_digits_get_a_plain_message():
    with pytest.raises(UnsafeFileError, match="number too long") as caught:
        read_json(b"[" + b"9" * 5000 + b"]")
    assert "int_max_str_digits" not in str(caught.value)
    with pytest.raises(UnsafeFileError, match="not UTF-8"):
        read_json(b"\xff\xfe")


def test_real_model_files_still_load_within_the_default_budget():
    model = build_model(7)
    for fmt in ("json", "npz"):
        loaded = persist.loads(persist.dumps(model, fmt))
        np.testing.assert_array_equal(loaded.parameters, model.parameters)
    doc = json.loads(persist.dumps(model))
    assert json_depth(json.dumps(doc).encode(), 32) <= 8
