"""Worst-case requests per page: every size control at its cap, then time and memory.

For each page in ``app.core.navigation.PAGES`` this drives the real entry point with AppTest to the
largest setup the page allows (every number_input at its own ``max``, SAME padding, presets
filled, the biggest sentence table / image set, picture mode with the largest picture and image
kernel, training at ``limits.MAX_EPOCHS``) and records the wall time of every rerun. The slowest
request of each page is then repeated with ``tracemalloc`` on (tracing slows Python down, so
times are taken without it) for the peak of traced memory; the process's resident-memory high
water mark (VmHWM) is read from /proc/self/status.

Also measured: ``app.core.pictures.load_picture`` on the largest accepted upload and on a
decompression-bomb PNG, and opening each page from its own largest share link.

    python -m benchmarks.worst_case            # every page
    python -m benchmarks.worst_case --page 3,7 # pages whose file name starts with "3_" or "7_"
    OPENBLAS_NUM_THREADS=1 python -m benchmarks.worst_case   # as the server should run

OpenBLAS's threads matter here: above a size threshold (page 7 at its largest image set) NumPy's
matrix products go multi-threaded, and on a busy 2-core machine the spinning threads made a
training epoch 15-20x slower (7 ms instead of 0.46 ms CPU). Compare both settings.

Target (the reliability issue): every request within about 2 s on this machine.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import time
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from app.core import limits, pictures
from app.core.navigation import PAGES, ROOT

TIMEOUT = 300
TARGET_SECONDS = 2.0
# Inputs that change numbers, not sizes: at their max they only make training diverge.
NOT_SIZES = ("learning_rate", "momentum", "init_scale")
# Toggles that start open-ended animations; "watch" (live training) is measured on purpose.
SKIP_TOGGLES = (".play",)


@dataclass
class PageReport:
    page: str
    requests: list[tuple[str, float]] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    training: float | None = None
    peak_traced_mib: float = 0.0
    training_traced_mib: float = float("nan")
    largest_sent: tuple[int, str] = (0, "")  # bytes of the largest element, and what it was
    largest_received: int = 0  # bytes of the largest widget state a rerun sent

    def worst(self) -> tuple[str, float]:
        """The slowest request that is not a training run (those are reported on their own)."""
        others = [item for item in self.requests if not item[0].startswith("train ")]
        return max(others, key=lambda item: item[1]) if others else ("-", 0.0)


def rss_mib(field_name: str = "VmHWM") -> float:
    """Resident memory of this process from /proc/self/status (VmRSS now, VmHWM the peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def exceptions(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.exception]


def largest_element(at: AppTest) -> tuple[int, str]:
    """(bytes, kind) of the largest element on the page: each is one websocket message
    (a ForwardMsg delta, ~100 bytes of envelope more), limited by ``server.maxMessageSize``."""
    biggest, kind = 0, ""
    stack = [at._tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if children:
            stack.extend(children.values())
            continue
        proto = getattr(node, "proto", None)
        if proto is not None and proto.ByteSize() > biggest:
            biggest, kind = proto.ByteSize(), type(node).__name__
    return biggest, kind


def widget_state_bytes(at: AppTest) -> int:
    """Bytes of the widget states a browser sends with a rerun of this page (every widget's
    value, data-editor edits included): the client's message, limited by
    ``server.maxWidgetStateSize`` and ``server.maxMessageSize``."""
    return at._tree.get_widget_states().ByteSize()


class Driver:
    """One page's AppTest plus a log of timed reruns."""

    def __init__(self, spec) -> None:
        st.cache_data.clear()
        st.cache_resource.clear()
        self.spec = spec
        self.report = PageReport(spec.path)
        self.at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
        self.at.run()
        self.at.switch_page(spec.path)
        self.timed("open the page", lambda: None)

    def timed(self, label: str, action: Callable[[], object], *, rerun: bool = True) -> float:
        """Apply ``action`` then rerun the page; records (label, seconds) and checks for errors."""
        action()
        start, cpu_start = time.perf_counter(), time.process_time()
        if rerun:
            self.at.run()
        seconds = time.perf_counter() - start
        self.report.requests.append((label, seconds))
        self.report.cpu[label] = time.process_time() - cpu_start
        problems = exceptions(self.at)
        if problems:
            raise RuntimeError(f"{self.spec.path}: {label}: exception {problems[0][:300]}")
        sent = largest_element(self.at)
        if sent[0] > self.report.largest_sent[0]:
            self.report.largest_sent = (sent[0], f"{sent[1]} after {label}")
        self.report.largest_received = max(
            self.report.largest_received, widget_state_bytes(self.at)
        )
        return seconds

    def size_inputs_to_max(self) -> None:
        """Every number_input at its max, one rerun each, until nothing new appears."""
        done: set[str] = set()
        for _ in range(4):
            todo = [
                el
                for el in self.at.number_input
                if el.key not in done
                and el.max is not None
                and not any(name in (el.key or "") for name in NOT_SIZES)
            ]
            if not todo:
                return
            for el in todo:
                done.add(el.key)
                widget = self.at.number_input(key=el.key)
                if widget.value != widget.max:
                    self.timed(f"{el.key} = {widget.max:g}", lambda w=widget: w.set_value(w.max))

    def radios_everywhere(self) -> None:
        """SAME padding (larger outputs); every other radio tried on each option, ending on the
        first (a size-neutral choice)."""
        for el in list(self.at.radio):
            options = list(el.options)
            same = [o for o in options if o.upper().startswith("SAME")]
            if same:
                self.timed(
                    f"{el.key} = SAME",
                    lambda k=el.key, o=same[0]: self.at.radio(key=k).set_value(o),
                )
                continue
            for option in options[1:] + options[:1]:
                self.timed(
                    f"{el.key} = {option}",
                    lambda k=el.key, o=option: self.at.radio(key=k).set_value(o),
                )

    def fill_presets(self) -> None:
        """'random integers' in every tensor editor (dense numbers in every annotated cell)."""
        for el in list(self.at.selectbox):
            if not (el.key or "").endswith(".preset") or "random integers" not in el.options:
                continue
            self.at.selectbox(key=el.key).set_value("random integers")
            apply = el.key.removesuffix(".preset") + ".apply"
            self.timed(f"{apply} random integers", lambda a=apply: self.at.button(key=a).click())

    def sliders_to_max(self) -> None:
        for el in list(self.at.slider):
            if el.max is not None and el.value != el.max:
                self.timed(
                    f"{el.key} = {el.max}",
                    lambda k=el.key: self.at.slider(key=k).set_value(self.at.slider(key=k).max),
                )

    def edit_largest_table(self) -> None:
        """One cell edit in the largest tensor table (what a learner does most)."""
        tables = [
            (el.value.size, el.proto.id.split("-", 2)[2], el.value)
            for el in self.at.get("dataframe")
            if el.proto.editing_mode and el.proto.id.count("-") >= 2
        ]
        tables = [t for t in tables if ".data." not in t[1]]
        if not tables:
            return
        _, key, frame = max(tables, key=lambda t: t[0])
        column = frame.columns[-1]
        self.timed(
            f"edit a cell of {key} ({frame.shape[0]}x{frame.shape[1]})",
            lambda: self.at.session_state.__setitem__(
                key,
                {
                    "edited_rows": {len(frame) - 1: {column: 7.0}},
                    "added_rows": [],
                    "deleted_rows": [],
                },
            ),
        )

    def train(self, prefix: str, *, watch: bool) -> None:
        key = f"{prefix}.tp.watch"
        toggles = [el.key for el in self.at.toggle]
        if key in toggles and self.at.toggle(key=key).value != watch:
            self.timed(f"{key} = {watch}", lambda: self.at.toggle(key=key).set_value(watch))
        epochs = self.at.number_input(key=f"{prefix}.tp.hp.epochs").value
        label = f"train {epochs} epochs" + (" (watching live)" if watch else "")
        seconds = self.timed(label, lambda: self.at.button(key=f"{prefix}.tp.train").click())
        self.report.training = max(self.report.training or 0.0, seconds)

    def share_link(self) -> dict[str, str]:
        # AppTest gives a value as a string, or a list when a name appears more than once.
        values = {k: self.at.query_params[k] for k in self.at.query_params}
        return {k: v if isinstance(v, str) else v[-1] for k, v in values.items()}


# --- Page-specific largest setups -----------------------------------------------------------------


def long_sentences() -> list[dict[str, object]]:
    """MAX_SENTENCES rows of MAX_TOKENS distinct words of MAX_WORD_CHARS letters: the largest
    vocabulary and the longest sequences a sentence table may hold."""
    rng = random.Random(0)
    letters = "abcdefghijklmnopqrstuvwxyz"
    rows = []
    for i in range(limits.MAX_SENTENCES):
        words = [
            "".join(rng.choice(letters) for _ in range(limits.MAX_WORD_CHARS))
            for _ in range(limits.MAX_TOKENS)
        ]
        rows.append({"sentence": " ".join(words), "label": i % 2})
    return rows


def drive_text_page(d: Driver, prefix: str) -> None:
    key = f"{prefix}.data.v{d.at.session_state[f'{prefix}.data_version']}"
    current = len(d.at.session_state[f"{prefix}.sentences"])
    rows = long_sentences()
    d.timed(
        f"sentence table -> {limits.MAX_SENTENCES} rows x {limits.MAX_TOKENS} long words",
        lambda: d.at.session_state.__setitem__(
            key,
            {
                "edited_rows": {i: rows[i] for i in range(current)},
                "added_rows": rows[current:],
                "deleted_rows": [],
            },
        ),
    )
    errors = [str(e.value) for e in d.at.error]
    if errors:
        raise RuntimeError(f"{prefix}: the largest sentence table was refused: {errors[0][:200]}")


def drive_image_page(d: Driver, prefix: str, edit_key: str | None = None) -> None:
    """``prefix`` is the image set's (``s5.images``); its cards' expander is ``edit_key``."""
    from app.core.image_sets import ImageSet

    rng = np.random.default_rng(0)
    side = limits.MAX_IMAGE_EDIT_SIDE
    images = []
    for _ in range(limits.MAX_IMAGES):
        bits = rng.integers(0, 2, (side, side))
        images.append(tuple("".join("#" if b else " " for b in row) for row in bits))
    labels = tuple(i % 2 for i in range(limits.MAX_IMAGES))
    # The card editor (a button per pixel) only runs while its expander is open: open it.
    edit_key = edit_key or prefix.split(".")[0] + ".edit"
    d.timed("open the image editor", lambda: d.at.session_state.__setitem__(edit_key, True))
    d.timed(
        f"image set -> {limits.MAX_IMAGES} images of {side}x{side}",
        lambda: d.at.session_state.__setitem__(f"{prefix}.set", ImageSet(tuple(images), labels)),
    )
    d.timed(
        "toggle one pixel of the last image",
        lambda: d.at.button(
            key=f"{prefix}.i{limits.MAX_IMAGES - 1}.r{side - 1}c{side - 1}"
        ).click(),
    )


def largest_picture() -> np.ndarray:
    """The largest picture image mode convolves: an upload shrunk to MAX_IMAGE_SIDE a side."""
    return pictures.load_picture(largest_upload())


def max_pixels_upload() -> bytes:
    """A smooth PNG with MAX_UPLOAD_PIXELS pixels that still fits in MAX_UPLOAD_BYTES: the
    most pixels to decode and shrink that an accepted upload can carry."""
    side = int(np.sqrt(limits.MAX_UPLOAD_PIXELS))
    ramp = (np.arange(side) * 255 // (side - 1)).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(np.add.outer(ramp // 2, ramp // 2)).save(buffer, "PNG")
    return buffer.getvalue()


def drive_picture_mode(d: Driver) -> None:
    """Page 2's picture tab with the largest picture, largest image kernel, stride 1, SAME."""
    picture = largest_picture()
    original = pictures.builtin_picture
    # The page's built-in picture is swapped for the largest one an upload can become
    # (AppTest cannot send files); the page's code path after decoding is the same.
    pictures.builtin_picture = lambda size=64: picture
    try:
        st.cache_data.clear()
        d.timed(
            "open the Pictures tab (96x96 picture)",
            lambda: d.at.session_state.__setitem__("c2d.tab", "Pictures"),
        )
        for key in ("c2d.ikh", "c2d.ikw"):
            d.timed(
                f"{key} = {limits.MAX_IMAGE_KERNEL}",
                lambda k=key: d.at.number_input(key=k).set_value(limits.MAX_IMAGE_KERNEL),
            )
        d.radios_everywhere()
        d.fill_presets()
    finally:
        pictures.builtin_picture = original


def drive(spec) -> PageReport:
    d = Driver(spec)
    name = spec.path.rsplit("/", 1)[-1]
    if name.startswith("0_"):
        return d.report
    d.size_inputs_to_max()
    d.radios_everywhere()
    d.fill_presets()
    d.sliders_to_max()
    d.edit_largest_table()
    prefix = None
    if name[0] in "34":
        prefix = f"s{name[0]}"
        drive_text_page(d, prefix)
    elif name[0] in "567":
        prefix = f"s{name[0]}"
        drive_image_page(d, f"{prefix}.images")
    elif name.startswith("1_"):
        d.timed(
            "open the scalar tab",
            lambda: d.at.session_state.__setitem__("c1d.tab", "The scalar case (1 channel)"),
        )
        d.size_inputs_to_max()
        d.radios_everywhere()
        d.fill_presets()
    elif name.startswith("2_"):
        drive_picture_mode(d)
    elif name.startswith("8_"):
        d.timed(
            "open the training tab",
            lambda: d.at.session_state.__setitem__("p8.tab", "Train the down-sampled CNN"),
        )
        d.size_inputs_to_max()
        d.radios_everywhere()
        d.fill_presets()
        # The model's pooling window and stride: the smallest (1) leaves the most features for
        # the dense layer, and the largest may not fit the images at all.
        for key in ("p8m.py", "p8m.px", "p8m.sy", "p8m.sx"):
            if key in [el.key for el in d.at.number_input]:
                d.timed(f"{key} = 1", lambda k=key: d.at.number_input(key=k).set_value(1))
        drive_image_page(d, "p8.img", "p8.edit")
        prefix = "p8m"
    if prefix is not None:
        d.train(prefix, watch=False)
        if f"{prefix}.tp.watch" in [t.key for t in d.at.toggle]:
            d.train(prefix, watch=True)
    link = d.share_link()
    if name.startswith("2_"):
        link = largest_conv2d_link(link)
    if link:
        open_link(d, spec, link)
    d.report.peak_traced_mib = traced_peak(d, train=False)
    if prefix is not None:
        d.report.training_traced_mib = traced_peak(d, train=True)
    return d.report


def largest_conv2d_link(link: dict[str, str]) -> dict[str, str]:
    """Page 2's link with the largest input grid (16 x 16 x 6) and the largest kernel that
    still fits MAX_URL_CHARS (7 x 7 x 6 x 1), one digit per number."""
    link = dict(link)
    h, w, c = limits.MAX_HEIGHT, limits.MAX_WIDTH, limits.MAX_CHANNELS
    k = limits.MAX_KERNEL
    link["x"] = f"{h}x{w}x{c}_" + "_".join("9" for _ in range(h * w * c))
    link["k"] = f"{k}x{k}x{c}x1_" + "_".join("9" for _ in range(k * k * c))
    link["d"], link["sy"], link["sx"] = "1", "1", "1"
    return link


def open_link(d: Driver, spec, link: dict[str, str]) -> None:
    """A fresh session opening ``link``: decoding, validation and the page's first run."""
    chars = sum(len(k) + len(v) + 2 for k, v in link.items()) - 1
    st.cache_data.clear()
    start, cpu_start = time.perf_counter(), time.process_time()
    fresh = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    fresh.run()
    fresh.switch_page(spec.path)
    fresh.query_params.update(link)
    fresh.run()
    label = f"open a share link of {chars} chars"
    warnings = [str(w.value) for w in fresh.warning if "link" in str(w.value)]
    if warnings:
        label += " (refused: " + warnings[0].split("\n")[-1][:60] + ")"
    d.report.requests.append((label, time.perf_counter() - start))
    d.report.cpu[label] = time.process_time() - cpu_start
    if exceptions(fresh):
        raise RuntimeError(f"{spec.path}: share link: {exceptions(fresh)[0][:300]}")


def traced_peak(d: Driver, *, train: bool) -> float:
    """Peak traced memory (MiB) of a rerun of the final (largest) setup with cold caches, or of
    a training click at max epochs (times are taken without tracing: it slows Python down)."""
    st.cache_data.clear()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        if train:
            keys = [
                b.key for b in d.at.button if (b.key or "").endswith(".tp.train") and not b.disabled
            ]
            if not keys:
                return float("nan")
            d.at.button(key=keys[0]).click()
        d.at.run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


# --- Upload path and links -------------------------------------------------------------------------


def largest_upload() -> bytes:
    """A PNG of incompressible noise just under MAX_UPLOAD_BYTES (the most decoding per byte)."""
    rng = np.random.default_rng(2)
    side = int(np.sqrt(limits.MAX_UPLOAD_BYTES)) - 8
    while True:
        buffer = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, (side, side), dtype=np.uint8)).save(buffer, "PNG")
        data = buffer.getvalue()
        if len(data) <= limits.MAX_UPLOAD_BYTES:
            return data
        side -= 16


def bomb_png(side: int = 60_000) -> bytes:
    """A tiny PNG that claims a side x side greyscale picture (a decompression bomb)."""
    import struct

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * side
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def upload_checks() -> list[tuple[str, float, float, str]]:
    """(what, seconds, peak traced MiB, outcome) for the upload path."""
    results = []
    cases = [
        ("largest accepted upload (noise, just under the byte cap)", largest_upload()),
        ("most pixels accepted (smooth PNG at MAX_UPLOAD_PIXELS)", max_pixels_upload()),
        ("decompression bomb PNG (10 000 x 10 000)", bomb_png(10_000)),
        ("decompression bomb PNG (60 000 x 60 000)", bomb_png(60_000)),
        ("file one byte over the cap", b"\x89PNG" + b"\x00" * limits.MAX_UPLOAD_BYTES),
    ]
    for what, data in cases:
        tracemalloc.start()
        start = time.perf_counter()
        try:
            picture = pictures.load_picture(data)
            outcome = f"accepted ({len(data) / 2**20:.2f} MiB file -> {picture.shape[0]}x{picture.shape[1]})"
        except ValueError as error:
            outcome = f"refused ({len(data):,} bytes): {error}"
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results.append((what, seconds, peak / 2**20, outcome))
    return results


def _plain_training(report: PageReport) -> str:
    for label, seconds in report.requests:
        if label.startswith("train ") and "watching" not in label:
            return f"{seconds:.2f} ({report.cpu.get(label, float('nan')):.2f})"
    return "-"


def _watch_timing(report: PageReport) -> str:
    for label, seconds in report.requests:
        if label.startswith("train ") and "watching" in label:
            return f"{seconds:.2f} ({report.cpu.get(label, float('nan')):.2f})"
    return "-"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--page", help="only pages whose file name starts with this")
    args = parser.parse_args(argv)
    print(
        f"load average before: {os.getloadavg()}; OPENBLAS_NUM_THREADS="
        f"{os.environ.get('OPENBLAS_NUM_THREADS', '(unset: one thread per core)')}"
    )
    # Imports and the first run of each page are paid once per server process, not per request:
    # warm them up so "open the page" measures what a later visitor waits for.
    for spec in PAGES:
        warm = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
        warm.run()
        warm.switch_page(spec.path)
        warm.run()
    reports = []
    for spec in PAGES:
        if args.page and not spec.path.rsplit("/", 1)[-1].startswith(tuple(args.page.split(","))):
            continue
        report = drive(spec)
        reports.append(report)
        label, seconds = report.worst()
        print(
            f"  {spec.path}: {len(report.requests)} requests, worst {seconds:.2f} s ({label}), "
            f"RSS high-water {rss_mib():.0f} MiB",
            flush=True,
        )
        slowest = sorted(report.requests, key=lambda item: -item[1])[:4]
        print(
            "    slowest: "
            + "; ".join(
                f"{lab} {sec:.2f} s (cpu {report.cpu.get(lab, float('nan')):.2f})"
                for lab, sec in slowest
                + [r for r in report.requests if r[0].startswith("open a share link")]
            ),
            flush=True,
        )
    print()
    print("Seconds: wall time (CPU time of this process in brackets; on a loaded machine the CPU")
    print("time is what the request costs with a core to itself). Training is chunked (a redraw")
    print("every 0.12 s, Stop works between chunks); 'watch' mode is slow motion by design (~4 s).")
    print()
    print(
        "| page | worst request (not training) | seconds | train at max epochs | same, watch "
        "mode | peak traced MiB: rerun / training |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for report in reports:
        label, seconds = report.worst()
        cpu = report.cpu.get(label, float("nan"))
        flag = " **over**" if seconds > TARGET_SECONDS else ""
        watch = _watch_timing(report)
        print(
            f"| {report.page} | {label} | {seconds:.2f} ({cpu:.2f}){flag} "
            f"| {_plain_training(report)} | {watch} "
            f"| {report.peak_traced_mib:.1f} / {report.training_traced_mib:.1f} |"
        )
    print()
    print("| page | largest message sent (bytes) | what | largest widget state received (bytes) |")
    print("|---|---:|---|---:|")
    for report in reports:
        size, what = report.largest_sent
        print(f"| {report.page} | {size:,} | {what} | {report.largest_received:,} |")
    print()
    print("| upload case | seconds | peak traced MiB | outcome |")
    print("|---|---:|---:|---|")
    for what, seconds, peak, outcome in upload_checks():
        print(f"| {what} | {seconds:.3f} | {peak:.1f} | {outcome} |")
    print()
    print(
        f"process RSS now {rss_mib('VmRSS'):.0f} MiB, high-water {rss_mib():.0f} MiB; "
        f"load average after: {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
