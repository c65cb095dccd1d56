"""How big one app process (a pod, a container) must be, from numbers measured here.

All three numbers come from ``python -m benchmarks.cluster_load`` (benchmarks/README.md,
"Through a load balancer"): the memory a replica holds after a warm-up visit, the most any
run added per simultaneous learner, and how many learners acting at the same moment one
process serves with a widget update under 2 s at the 95th percentile (one process uses one
core: Python's GIL, one BLAS thread). The Kubernetes requests and limits and the compose
memory limit are these, rounded up (a test keeps the manifests equal to them).
"""

from __future__ import annotations

import math

BASELINE_MIB = 175.0
"""Resident memory of one replica after a warm-up visit (imports, pages, first caches)."""

MIB_PER_SESSION = 1.3
"""Largest measured growth per simultaneous learner (sum of peaks minus baselines, over N)."""

LEARNERS_PER_PROCESS = 20
"""Learners acting all at once that one process (one core) serves with widget p95 < 2 s."""

CPU_REQUEST = "1"
"""One core: a process cannot use more (one GIL), and the learners per process assume it."""

LIMIT_FACTOR = 2
"""Memory limit over request: a class may be larger than planned before the HPA adds pods."""


def memory_request_mib(learners: int = LEARNERS_PER_PROCESS) -> int:
    """Baseline plus ``learners`` sessions, rounded up to a multiple of 64 MiB."""
    return 64 * math.ceil((BASELINE_MIB + learners * MIB_PER_SESSION) / 64)


def memory_limit_mib(learners: int = LEARNERS_PER_PROCESS) -> int:
    return LIMIT_FACTOR * memory_request_mib(learners)
