"""Time cnndemo's conv2d against PyTorch on CPU, both measured in this run, as a user gets them.

The process is a default one: no environment variables, no allocator settings, each library
on its own default threads (OpenBLAS's and PyTorch's, both 2 on a 2-core machine; cnndemo
chooses per call how many of OpenBLAS's it uses). Times are medians over every call of
alternating rounds; the minimum over the same calls is the second column.

PyTorch gets the same channels-last arrays a cnndemo caller holds, so its time includes the
NHWC -> NCHW and HWIO -> OIHW transposes and the transpose back. The two libraries run in
separate groups with a pause between, since their thread pools disturb each other on 2 cores.

Run: ``python benchmarks/bench_conv.py`` (``--quick`` for a short run, ``--rounds N``,
``--engine DIR`` to time the cnndemo found in another checkout). Prints a Markdown table of
ratios (ours / PyTorch, lower is better) and this machine's float32 matmul peak.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import call_times  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

PAUSE_S = 0.5
PEAK_SIZE = 2048

# (name, input shape, kernel shape, stride, padding, forward target, forward+backward target)
CASES = [
    ("tutorial 16x3x3x1 * 2x2x1x2", (16, 3, 3, 1), (2, 2, 1, 2), 1, "valid", 0.3, None),
]
for _stride in (1, 2):
    for _padding in ("valid", "same"):
        CASES.append(
            (f"small s{_stride} {_padding}", (64, 28, 28, 1), (3, 3, 1, 8), _stride, _padding)
            + (1.0, 1.2)
        )
for _stride in (1, 2):
    for _padding in ("valid", "same"):
        CASES.append(
            (f"medium s{_stride} {_padding}", (32, 32, 32, 16), (3, 3, 16, 32), _stride, _padding)
            + (1.0, 1.2)
        )


def best_time(fn: Callable[[], object], repeats: int) -> float:
    return min(call_times(fn, repeats))


def repeats_for(x_shape: tuple[int, ...], quick: bool) -> int:
    size = int(np.prod(x_shape))
    repeats = 300 if size < 10_000 else 60 if size < 100_000 else 30
    return max(5, repeats // 4) if quick else repeats


def torch_pair(x: np.ndarray, kernel: np.ndarray, grad: np.ndarray, stride: int, padding: str):
    """Forward and forward+backward closures doing what a channels-last caller must do."""
    torch_padding = padding
    if padding == "same" and stride != 1:
        # PyTorch refuses padding="same" with stride > 1; pad by TensorFlow's rule instead.
        torch_padding = None

    def run(x_t: torch.Tensor, k_t: torch.Tensor) -> torch.Tensor:
        x_nchw = x_t.permute(0, 3, 1, 2).contiguous()
        k_oihw = k_t.permute(3, 2, 0, 1).contiguous()
        if torch_padding is None:
            pads = []
            for axis in (2, 1):
                n, k = x.shape[axis], kernel.shape[axis - 1]
                out = -(-n // stride)
                total = max((out - 1) * stride + k - n, 0)
                pads += [total // 2, total - total // 2]
            x_nchw = torch.nn.functional.pad(x_nchw, pads)
            y = torch.nn.functional.conv2d(x_nchw, k_oihw, stride=stride)
        else:
            y = torch.nn.functional.conv2d(x_nchw, k_oihw, stride=stride, padding=torch_padding)
        return y.permute(0, 2, 3, 1).contiguous()

    def forward() -> np.ndarray:
        with torch.no_grad():
            return run(torch.from_numpy(x), torch.from_numpy(kernel)).numpy()

    grad_t = torch.from_numpy(grad)

    def forward_backward() -> tuple[np.ndarray, np.ndarray]:
        x_t = torch.from_numpy(x).requires_grad_()
        k_t = torch.from_numpy(kernel).requires_grad_()
        run(x_t, k_t).backward(grad_t)
        return x_t.grad.numpy(), k_t.grad.numpy()

    return forward, forward_backward


def ours_pair(ops, x: np.ndarray, kernel: np.ndarray, grad: np.ndarray, stride: int, padding: str):
    def forward() -> np.ndarray:
        return ops.conv2d(x, kernel, stride, padding)

    def forward_backward() -> tuple[np.ndarray, np.ndarray]:
        ops.conv2d(x, kernel, stride, padding)
        return ops.conv2d_backward(x, kernel, grad, stride, padding)

    return forward, forward_backward


# glibc mallopt parameters (malloc.h).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3


def pin_allocator() -> str:
    """Stop glibc's malloc from handing freed memory back to the system between calls
    (``--pin-allocator`` only: a user's process does not do this).

    By default glibc trims the heap, or unmaps, once enough memory is freed, so a call whose
    temporaries are freed at the end faults all its pages in again the next time. Whether that
    happens depends on what else sits on the heap. cnndemo now keeps its work buffers
    (cnndemo._scratch), so only its results come and go; this setting shows what is left.
    """
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is None or not hasattr(libc, "mallopt"):
        return "allocator: not glibc, left as it is"
    ok = libc.mallopt(M_MMAP_THRESHOLD, 256 << 20) and libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
    return (
        "allocator: glibc malloc pinned (no trimming below 1 GiB, no mmap below 256 MiB) "
        "for both libraries"
        if ok
        else "allocator: mallopt refused, glibc defaults"
    )


def matmul_peak(repeats: int = 5) -> float:
    """float32 GFLOP/s of one large square matmul."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((PEAK_SIZE, PEAK_SIZE)).astype(np.float32)
    b = rng.standard_normal((PEAK_SIZE, PEAK_SIZE)).astype(np.float32)
    return 2 * PEAK_SIZE**3 / best_time(lambda: a @ b, repeats) / 1e9


def blas_description() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    return "; ".join(
        f"{i.get('internal_api')} {i.get('version')} {i.get('architecture') or ''} "
        f"threads={i.get('num_threads')}"
        for i in threadpool_info()
    )


def openblas_environment() -> str:
    """The OpenBLAS variables that change which kernel runs (see the machine notes)."""
    names = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    found = [f"{name}={os.environ[name]}" for name in names if name in os.environ]
    return "environment: " + (
        ", ".join(found) if found else "none of the OpenBLAS/OpenMP variables set"
    )


def measure(
    pair_torch: tuple, pair_ours: tuple, repeats: int, rounds: int
) -> tuple[list[list[float]], list[list[float]]]:
    """Per-call times ([forward, forward+backward]) of each library over alternating rounds.

    Many short rounds: this VM has spells of several seconds in which memory-bound code runs
    up to 1.6x slower, and few long rounds would let a spell hit one library only."""
    torch_times: list[list[float]] = [[], []]
    ours_times: list[list[float]] = [[], []]
    for _ in range(rounds):
        for pair, times in ((pair_torch, torch_times), (pair_ours, ours_times)):
            time.sleep(PAUSE_S)
            for which, fn in enumerate(pair):
                times[which] += call_times(fn, repeats)
    return torch_times, ours_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, one round")
    parser.add_argument("--rounds", type=int, default=8, help="alternating rounds per case")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument(
        "--engine", type=Path, default=ROOT, help="checkout whose cnndemo is timed (default: this)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="limit both libraries to this many threads (default: each library's own choice)",
    )
    parser.add_argument(
        "--pin-allocator",
        action="store_true",
        help="pin glibc's malloc for both libraries (not what a user gets; see pin_allocator)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(args.engine.resolve()))
    from cnndemo import ops

    if args.quick:
        args.rounds = 1
    if args.threads:
        from threadpoolctl import threadpool_limits

        torch.set_num_threads(args.threads)
        threadpool_limits(args.threads, user_api="blas")
    allocator = pin_allocator() if args.pin_allocator else "allocator: glibc defaults"
    rng = np.random.default_rng(0)

    load_before = os.getloadavg()
    peak = matmul_peak()
    rows = []
    medium_gflops = None
    for name, x_shape, k_shape, stride, padding, fwd_target, fb_target in CASES:
        if args.only not in name:
            continue
        x = rng.standard_normal(x_shape).astype(np.float32)
        kernel = rng.standard_normal(k_shape).astype(np.float32)
        out = ops.conv2d(x, kernel, stride, padding)
        grad = rng.standard_normal(out.shape).astype(np.float32)
        torch_fwd, torch_fb = torch_pair(x, kernel, grad, stride, padding)
        ours_fwd, ours_fb = ours_pair(ops, x, kernel, grad, stride, padding)
        np.testing.assert_allclose(ours_fwd(), torch_fwd(), rtol=1e-4, atol=1e-3)
        for ours_g, torch_g in zip(ours_fb(), torch_fb(), strict=True):
            np.testing.assert_allclose(ours_g, torch_g, rtol=1e-4, atol=1e-2)

        repeats = repeats_for(x_shape, args.quick)
        if not args.quick:
            repeats = max(5, repeats // 3)  # per round; the rounds share the repeats out
        t_torch, t_ours = measure((torch_fwd, torch_fb), (ours_fwd, ours_fb), repeats, args.rounds)
        flops = 2 * out.size * k_shape[0] * k_shape[1] * k_shape[2]
        gflops = flops / statistics.median(t_ours[0]) / 1e9
        if name == "medium s1 valid":
            medium_gflops = gflops
        rows.append((name, t_torch, t_ours, fwd_target, fb_target, gflops))

    threads = f"{args.threads} thread(s) each" if args.threads else "default process"
    print(f"## Convolution: cnndemo vs PyTorch {torch.__version__} (CPU, {threads})")
    print()
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"NumPy {np.__version__}; BLAS: {blas_description()}; PyTorch threads: "
        f"{torch.get_num_threads()}; {openblas_environment()}; engine: {args.engine}"
    )
    load_after = os.getloadavg()
    print(
        "Load average (1, 5, 15 min): "
        + " at the start, ".join(
            ", ".join(f"{v:.1f}" for v in load) for load in (load_before, load_after)
        )
        + " at the end (above about 1 the ratios are noise-dominated)."
    )
    print(f"float32 matmul peak ({PEAK_SIZE}x{PEAK_SIZE}): {peak:.1f} GFLOP/s. ")
    print(allocator + ".")
    print(
        f"Times are medians over every call of {args.rounds} alternating rounds (min: the "
        "minimum over the same calls); ratio = cnndemo / PyTorch (lower is better)."
    )
    print()
    print(
        "| case | torch fwd us | ours fwd us | fwd ratio | target | min ratio | torch f+b us "
        "| ours f+b us | f+b ratio | target | min ratio | ours GFLOP/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, t_torch, t_ours, fwd_target, fb_target, gflops in rows:
        med_torch = [statistics.median(t) for t in t_torch]
        med_ours = [statistics.median(t) for t in t_ours]
        ratio = [o / t for o, t in zip(med_ours, med_torch, strict=True)]
        min_ratio = [min(o) / min(t) for o, t in zip(t_ours, t_torch, strict=True)]
        fwd_mark = "ok" if ratio[0] <= fwd_target else "MISS"
        fb_cell = "-"
        if fb_target is not None:
            fb_cell = f"<= {fb_target} {'ok' if ratio[1] <= fb_target else 'MISS'}"
        print(
            f"| {name} | {med_torch[0] * 1e6:.0f} | {med_ours[0] * 1e6:.0f} | {ratio[0]:.2f} "
            f"| <= {fwd_target} {fwd_mark} | {min_ratio[0]:.2f} | {med_torch[1] * 1e6:.0f} "
            f"| {med_ours[1] * 1e6:.0f} | {ratio[1]:.2f} | {fb_cell} | {min_ratio[1]:.2f} "
            f"| {gflops:.1f} |"
        )
    print()
    if medium_gflops is None:
        return
    fraction = medium_gflops / peak
    print(
        f"medium s1 valid forward: {medium_gflops:.1f} GFLOP/s = {fraction:.0%} of the matmul "
        f"peak (target >= 30%: {'ok' if fraction >= 0.3 else 'MISS'})."
    )


if __name__ == "__main__":
    main()
