"""Issue 17's hostile requests, one by one through the real pages: time and memory of each.

Each model file of ``devtools.hostile_files`` is uploaded to page 3's "Load a model" box and
each hand-made table edit is sent to page 1's input table or page 3's sentence table, with
AppTest through ``streamlit_app.py`` (as ``tests/pages/test_model_uploads.py`` and
``tests/pages/test_editor_edits.py`` do); the wall time and CPU time of the rerun that answers
it are printed with the page's message. The page's loader (``read_model_file``) then reads each
model file again in a fresh process, which prints how much its peak resident memory grew.

    python -m benchmarks.hostile_requests

Target (issue 17): each ends in a clear message within 2 s, with bounded memory.
"""

from __future__ import annotations

import subprocess
import sys
import time

import streamlit as st

from app.widgets.training_panel import panel_key
from devtools.hostile_files import deep_json, edited_model, terabyte_npz, zip_bomb
from tests.pages.conftest import ROOT, open_page, table_key

FILES = {
    "channels 10000 + embedding 10000 (JSON)": lambda: edited_model(
        3, {"channels": 10_000, "embedding_size": 10_000}
    ),
    "channels 1e5 (JSON)": lambda: edited_model(3, {"channels": 100_000}),
    "kernel_size 1e8 (JSON)": lambda: edited_model(3, {"kernel_size": 10**8}),
    "input_size [1e9] (JSON)": lambda: edited_model(3, input_size=[10**9]),
    "zip bomb: 100 MB member listed 3,011 times (.npz)": zip_bomb,
    "zip bomb: one 100 MB member (.npz)": lambda: zip_bomb(listings=1),
    ".npy header declaring 8 TB (.npz)": lambda: terabyte_npz(3),
    "JSON nested 100,000 deep": deep_json,
    "learning rate 100, momentum 0.995, init 5, seed 1e9, epochs 50000": lambda: edited_model(
        3,
        {
            "learning_rate": 100.0,
            "momentum": 0.995,
            "init_scale": 5.0,
            "seed": 10**9,
            "epochs": 50_000,
        },
    ),  # fmt: skip
}

EDITS = {
    "page 1 table: 20,000 added rows": ("c1d.x", {"added_rows": [{"ch 0": 1.0}] * 20_000}),
    "page 1 table: edit of row 10^9": ("c1d.x", {"edited_rows": {10**9: {"ch 0": 1.0}}}),
    "page 1 table: deleted rows -1, 10^9": ("c1d.x", {"deleted_rows": [-1, 10**9]}),
    "page 1 table: unknown column": ("c1d.x", {"edited_rows": {0: {"zzz": 1.0}}}),
    "page 1 table: 0.9 MB cell": ("c1d.x", {"edited_rows": {0: {"ch 0": "9" * 900_000}}}),
    "page 3 sentences: 20,000 added rows": (
        "s3",
        {"added_rows": [{"sentence": "a b", "label": 1}] * 20_000},
    ),
    "page 3 sentences: deleted rows -1, 10^9": ("s3", {"deleted_rows": [-1, 10**9]}),
    "page 3 sentences: added row, unknown column": ("s3", {"added_rows": [{"zzz": "a"}]}),
    "page 3 sentences: 0.9 MB cell": ("s3", {"edited_rows": {0: {"sentence": "a " * 450_000}}}),
}

MEMORY_PROBE = """
import sys
from app.core.training_jobs import read_model_file
from benchmarks.hostile_requests import FILES
from cnndemo import data as data_mod
from devtools.hostile_files import peak_growth_kib
content, data = FILES[sys.argv[1]](), data_mod.text_data()
print(peak_growth_kib(lambda: read_model_file(content, 3, data)))
"""


def timed_run(at) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    at.run()
    return time.perf_counter() - start, time.process_time() - cpu


def message(at, words: tuple[str, ...]) -> str:
    texts = [el.value for kind in ("error", "warning", "info") for el in at.get(kind)]
    found = [t for t in texts if any(w in t for w in words)]
    if at.exception:
        return "EXCEPTION " + str(at.exception[0].value)[:100]
    return " ".join(found[0].split())[:120] if found else "(no message)"


def upload_rows() -> list[tuple[str, int, float, float, str]]:
    rows = []
    for name, build in FILES.items():
        st.cache_data.clear()
        at = open_page("pages/3_cnn1d_pooled.py")
        content = build()
        uploader = next(u for u in at.get("file_uploader") if u.key == panel_key("s3", "upload"))
        suffix = ".npz" if content[:2] == b"PK" else ".json"
        uploader.upload("model" + suffix, content, "application/octet-stream")
        seconds, cpu = timed_run(at)
        words = ("Could not use this model file", "brought into the controls' ranges")
        rows.append((name, len(content), seconds, cpu, message(at, words)))
    return rows


def edit_rows() -> list[tuple[str, float, float, str]]:
    rows = []
    for name, (table, edit) in EDITS.items():
        st.cache_data.clear()
        page = "pages/1_conv1d.py" if table == "c1d.x" else "pages/3_cnn1d_pooled.py"
        at = open_page(page)
        key = (
            table_key(at, table)
            if table == "c1d.x"
            else f"s3.data.v{at.session_state['s3.data_version']}"
        )
        at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edit}
        seconds, cpu = timed_run(at)
        rows.append((name, seconds, cpu, message(at, ("An edit of",))))
    return rows


def memory_kib(name: str) -> int:
    result = subprocess.run([sys.executable, "-c", MEMORY_PROBE, name], capture_output=True,
                            text=True, check=True, cwd=ROOT)  # fmt: skip
    return int(result.stdout)


def main() -> None:
    print(
        "| model file (page 3, Load a model) | bytes | rerun s (CPU s) | peak RSS growth KiB | message |"
    )
    print("|---|---:|---:|---:|---|")
    for name, size, seconds, cpu, text in upload_rows():
        print(f"| {name} | {size:,} | {seconds:.2f} ({cpu:.2f}) | {memory_kib(name):,} | {text} |")
    print()
    print("| hand-made table edit | rerun s (CPU s) | message |")
    print("|---|---:|---|")
    for name, seconds, cpu, text in edit_rows():
        print(f"| {name} | {seconds:.2f} ({cpu:.2f}) | {text} |")


if __name__ == "__main__":
    main()
