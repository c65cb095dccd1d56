"""Click to explore, in words: which outputs one input cell feeds (from ``Plan.readers``).

Plain Python; the pages of sections 1, 2 and 8 show these sentences when a learner clicks an
input cell (``app.widgets.click``), and outline the outputs named.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnndemo import explain


def index_text(index: Sequence[int]) -> str:
    """``2`` or ``1, 0``: an index as the page writes it inside brackets."""
    return ", ".join(str(int(i)) for i in index)


def feeds_sentence(plan: explain.Plan, cell: Sequence[int], *, pooling: bool = False) -> str:
    """``Input x[2] feeds 2 outputs: y[0] (through kernel tap 2), y[1] (tap 1).``

    ``pooling`` names the window cell instead of the kernel tap, and says why a cell no window
    reads is left out.
    """
    readers = plan.readers(*cell)
    name = f"x[{index_text(cell)}]"
    if not readers:
        why = (
            "the stride skips it or VALID drops the leftover cells"
            if any(a.stride > 1 or a.padding == "valid" for a in plan.axes)
            else "no window reaches it"
        )
        return f"Input {name} lies in no window ({why}): it feeds no output."
    through = "as window cell" if pooling else "through kernel tap"
    parts = [
        f"y[{index_text(out)}] ({through if i == 0 else 'tap' if not pooling else 'cell'} "
        f"{index_text(tap)})"
        for i, (out, tap) in enumerate(readers)
    ]
    count = len(readers)
    return (
        f"Input {name} feeds {count} output{'s' if count != 1 else ''}: " + ", ".join(parts) + "."
    )


def fed_outputs(
    plan: explain.Plan, cell: Sequence[int], channels: int
) -> tuple[tuple[int, ...], ...]:
    """Every output cell ``(positions..., channel)`` whose window reads ``cell``, all channels."""
    return tuple((*out, c) for out in plan.outputs_reading(*cell) for c in range(channels))
