"""Time cnndemo's conv2d against PyTorch on CPU, both measured in this run.

Both libraries get the same number of threads (``--threads``, default 2: PyTorch's
``set_num_threads`` and OpenBLAS's ``OPENBLAS_NUM_THREADS``).

PyTorch gets the same channels-last arrays a cnndemo caller holds, so its time includes the
NHWC -> NCHW and HWIO -> OIHW transposes and the transpose back. The two libraries run in
separate groups with a pause between, since their thread pools disturb each other on 2 cores.

Run: ``python benchmarks/bench_conv.py`` (``--quick`` for a short run, ``--rounds N``). Prints a
Markdown table of ratios (ours / PyTorch, lower is better) and this machine's float32 matmul
peak.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cnndemo.ops import conv2d, conv2d_backward  # noqa: E402

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
    """Minimum wall time of ``repeats`` calls after one warm-up; the minimum is the run least
    disturbed by other processes sharing the cores."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


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


def ours_pair(x: np.ndarray, kernel: np.ndarray, grad: np.ndarray, stride: int, padding: str):
    def forward() -> np.ndarray:
        return conv2d(x, kernel, stride, padding)

    def forward_backward() -> tuple[np.ndarray, np.ndarray]:
        conv2d(x, kernel, stride, padding)
        return conv2d_backward(x, kernel, grad, stride, padding)

    return forward, forward_backward


# glibc mallopt parameters (malloc.h).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3


def pin_allocator() -> str:
    """Stop glibc's malloc from handing freed memory back to the system between calls.

    By default glibc trims the heap, or unmaps, once enough memory is freed, so a call whose
    temporaries are freed at the end faults all its pages in again the next time. Whether that
    happens depends on what else sits on the heap, so a process lands in a fast or a slow mode
    and stays there: on this VM the medium forward+backward measured 10.5 ms or 21 ms (4,000
    page faults per call) from one run to the next, for either library. Pinning the thresholds
    is what an allocator like jemalloc does anyway; it applies to both libraries alike.
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


def peak_without_coretype() -> str:
    """The matmul peak in a child process with OPENBLAS_CORETYPE removed, when it is set."""
    if "OPENBLAS_CORETYPE" not in os.environ:
        return "OPENBLAS_CORETYPE is not set; OpenBLAS picks its kernel from the CPU."
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    here = str(Path(__file__).parent)
    code = f"import sys; sys.path.insert(0, {here!r}); import bench_conv; print(bench_conv.matmul_peak())"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return (
        f"OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']}; without it the peak is "
        f"{float(result.stdout.split()[-1]):.1f} GFLOP/s."
    )


def blas_description() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    return "; ".join(
        f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} "
        f"threads={i.get('num_threads')}"
        for i in threadpool_info()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, one round")
    parser.add_argument("--rounds", type=int, default=8, help="alternating rounds per case")
    parser.add_argument(
        "--threads", type=int, default=2, help="threads for both PyTorch and OpenBLAS"
    )
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument(
        "--default-malloc",
        action="store_true",
        help="leave glibc's trimming on (page-fault noise, see pin_allocator)",
    )
    args = parser.parse_args()
    if os.environ.get("OPENBLAS_NUM_THREADS") != str(args.threads):
        # OpenBLAS reads its thread count only at load time, so start again with it set.
        env = {**os.environ, "OPENBLAS_NUM_THREADS": str(args.threads)}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    if args.quick:
        args.rounds = 1
    torch.set_num_threads(args.threads)
    allocator = "allocator: glibc defaults" if args.default_malloc else pin_allocator()
    rng = np.random.default_rng(0)

    load_before = os.getloadavg()[0]
    peak = matmul_peak()
    rows = []
    medium_gflops = None
    for name, x_shape, k_shape, stride, padding, fwd_target, fb_target in CASES:
        if args.only not in name:
            continue
        x = rng.standard_normal(x_shape).astype(np.float32)
        kernel = rng.standard_normal(k_shape).astype(np.float32)
        out = conv2d(x, kernel, stride, padding)
        grad = rng.standard_normal(out.shape).astype(np.float32)
        torch_fwd, torch_fb = torch_pair(x, kernel, grad, stride, padding)
        ours_fwd, ours_fb = ours_pair(x, kernel, grad, stride, padding)
        np.testing.assert_allclose(ours_fwd(), torch_fwd(), rtol=1e-4, atol=1e-3)
        for ours_g, torch_g in zip(ours_fb(), torch_fb(), strict=True):
            np.testing.assert_allclose(ours_g, torch_g, rtol=1e-4, atol=1e-2)

        repeats = repeats_for(x_shape, args.quick)
        if not args.quick:
            repeats = max(5, repeats // 3)  # per round; the rounds share the repeats out
        t_torch = t_ours = (float("inf"), float("inf"))
        # Alternating rounds: this VM has spells of several seconds in which memory-bound
        # code runs up to 1.6x slower (the matmul peak barely moves), so many short rounds
        # give both libraries a quiet spell, where few long ones let a spell hit one only.
        for _ in range(args.rounds):
            time.sleep(PAUSE_S)
            fwd, fb = best_time(torch_fwd, repeats), best_time(torch_fb, repeats)
            t_torch = min(t_torch[0], fwd), min(t_torch[1], fb)
            time.sleep(PAUSE_S)
            fwd, fb = best_time(ours_fwd, repeats), best_time(ours_fb, repeats)
            t_ours = min(t_ours[0], fwd), min(t_ours[1], fb)

        flops = 2 * out.size * k_shape[0] * k_shape[1] * k_shape[2]
        gflops = flops / t_ours[0] / 1e9
        if name == "medium s1 valid":
            medium_gflops = gflops
        rows.append((name, stride, padding, t_torch, t_ours, fwd_target, fb_target, gflops))

    print(
        f"## Convolution: cnndemo vs PyTorch {torch.__version__} (CPU, {args.threads} threads each)"
    )
    print()
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"NumPy {np.__version__}; BLAS: {blas_description()}"
    )
    print(
        f"1-minute load average: {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        "the end (above about 1 the ratios are noise-dominated)."
    )
    print(f"float32 matmul peak ({PEAK_SIZE}x{PEAK_SIZE}): {peak:.1f} GFLOP/s. ")
    print(peak_without_coretype())
    print(allocator + ".")
    print(
        f"Times are the minimum over repeats and {args.rounds} alternating rounds; "
        "ratio = cnndemo / PyTorch (lower is better)."
    )
    print()
    print(
        "| case | torch fwd us | ours fwd us | fwd ratio | target | torch f+b us | ours f+b us "
        "| f+b ratio | target | ours GFLOP/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, _stride, _padding, t_torch, t_ours, fwd_target, fb_target, gflops in rows:
        fwd_ratio = t_ours[0] / t_torch[0]
        fb_ratio = t_ours[1] / t_torch[1]
        fwd_mark = "ok" if fwd_ratio <= fwd_target else "MISS"
        fb_cell = "-"
        if fb_target is not None:
            fb_cell = f"<= {fb_target} {'ok' if fb_ratio <= fb_target else 'MISS'}"
        print(
            f"| {name} | {t_torch[0] * 1e6:.0f} | {t_ours[0] * 1e6:.0f} | {fwd_ratio:.2f} "
            f"| <= {fwd_target} {fwd_mark} | {t_torch[1] * 1e6:.0f} | {t_ours[1] * 1e6:.0f} "
            f"| {fb_ratio:.2f} | {fb_cell} | {gflops:.1f} |"
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
