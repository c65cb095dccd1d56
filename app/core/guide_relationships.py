"""The relationships of Dumoulin and Visin's guide to convolution arithmetic, each as a live
example: the learner's numbers, the relationship's formula filled in, and the engine's size.

V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
arXiv:1603.07285 (2016). Relationships 1-6 size a convolution (padding and strides), 7 a
pooling, 8-14 the transposed convolutions (each the transpose of a convolution, written as a
direct convolution of stride 1 over the input stretched with ``s - 1`` zeros between cells and
padded by ``p' = k - p - 1``), 15 a dilated convolution. The guide's ``i, k, s, p, d`` are input
size, kernel size, stride, padding on each side and dilation; ``i'`` is the transposed
convolution's input (the convolution's output), ``o'`` its output.

The formula is the guide's closed form; the size shown beside it is the engine's
(:func:`cnndemo.explain.axis`, :func:`cnndemo.ops.conv_transpose_size`), and the page says
whether they agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cnndemo import explain, ops

PARAMS = ("i", "k", "s", "p", "d")


@dataclass(frozen=True)
class Relationship:
    """One relationship: its number in the guide, what it covers, the numbers the learner sets
    (``free``; the others are fixed by it), its formula (LaTeX) and the same with numbers."""

    number: int
    title: str
    kind: str  # "convolution", "pooling", "transposed" or "dilated"
    free: tuple[str, ...]
    statement: str
    filled: Callable[[dict[str, int]], tuple[str, int]]

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def display(self) -> str:
        """The statement with its setting (after ``\\quad``) on a line of its own: one line
        would not fit a phone."""
        formula, _, setting = self.statement.partition(r"\quad")
        if not setting:
            return formula
        return rf"\begin{{gathered}} {formula.strip()} \\ {setting.strip()} \end{{gathered}}"

    def settle(self, values: dict[str, int]) -> dict[str, int]:
        """The learner's numbers with the relationship's own in place of the fixed ones."""
        v = dict(values)
        if "s" not in self.free:
            v["s"] = 1
        if "d" not in self.free:
            v["d"] = 1
        if "p" not in self.free:
            v["p"] = {3: v["k"] // 2, 10: v["k"] // 2, 4: v["k"] - 1, 11: v["k"] - 1}.get(
                self.number, 0
            )
        return v


def _tr(v: dict[str, int]) -> tuple[int, int]:
    """The transposed convolution's input size ``i'`` and the leftover ``a`` of the forward."""
    i_prime = (v["i"] + 2 * v["p"] - v["k"]) // v["s"] + 1
    return i_prime, (v["i"] + 2 * v["p"] - v["k"]) % v["s"]


def _direct(top: str, value: Callable[[dict[str, int]], int]) -> Callable:
    def filled(v: dict[str, int]) -> tuple[str, int]:
        out = value(v)
        floor = f"\\left\\lfloor \\frac{{{top.format(**v)}}}{{{v['s']}}} \\right\\rfloor + 1"
        return f"\\begin{{aligned}} o &= {floor} \\\\ &= {out} \\end{{aligned}}", out

    return filled


def _transposed(text: str, value: Callable[[dict[str, int], int, int], int]) -> Callable:
    def filled(v: dict[str, int]) -> tuple[str, int]:
        i_prime, a = _tr(v)
        out = value(v, i_prime, a)
        filled_in = text.format(ip=i_prime, a=a, **v)
        return f"\\begin{{aligned}} o' &= {filled_in} \\\\ &= {out} \\end{{aligned}}", out

    return filled


def _floor_of(v: dict[str, int], top: int) -> int:
    return top // v["s"] + 1


RELATIONSHIPS: tuple[Relationship, ...] = (
    Relationship(1, "No zero padding, unit strides", "convolution", ("i", "k"),
                 r"o = (i - k) + 1",
                 _direct("{i} - {k}", lambda v: v["i"] - v["k"] + 1)),
    Relationship(2, "Zero padding, unit strides", "convolution", ("i", "k", "p"),
                 r"o = (i - k) + 2p + 1",
                 _direct("{i} - {k} + 2 \\cdot {p}", lambda v: v["i"] - v["k"] + 2 * v["p"] + 1)),
    Relationship(3, "Half (same) padding: k odd, p = ⌊k/2⌋, s = 1", "convolution", ("i", "k"),
                 r"o = i \quad (k = 2n + 1,\; p = \lfloor k/2 \rfloor)",
                 _direct("{i} + 2 \\cdot {p} - {k}", lambda v: v["i"] + 2 * v["p"] - v["k"] + 1)),
    Relationship(4, "Full padding: p = k − 1, s = 1", "convolution", ("i", "k"),
                 r"o = i + (k - 1)",
                 _direct("{i} + 2 \\cdot {p} - {k}", lambda v: v["i"] + v["k"] - 1)),
    Relationship(5, "No zero padding, non-unit strides", "convolution", ("i", "k", "s"),
                 r"o = \left\lfloor \frac{i - k}{s} \right\rfloor + 1",
                 _direct("{i} - {k}", lambda v: _floor_of(v, v["i"] - v["k"]))),
    Relationship(6, "Zero padding, non-unit strides", "convolution", ("i", "k", "s", "p"),
                 r"o = \left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1",
                 _direct("{i} + 2 \\cdot {p} - {k}",
                         lambda v: _floor_of(v, v["i"] + 2 * v["p"] - v["k"]))),
    Relationship(7, "Pooling (no padding)", "pooling", ("i", "k", "s"),
                 r"o = \left\lfloor \frac{i - k}{s} \right\rfloor + 1",
                 _direct("{i} - {k}", lambda v: _floor_of(v, v["i"] - v["k"]))),
    Relationship(8, "Transposed: no zero padding, unit strides", "transposed", ("i", "k"),
                 r"o' = i' + (k - 1) \quad (k' = k,\; s' = 1,\; p' = k - 1)",
                 _transposed("{ip} + ({k} - 1)", lambda v, ip, a: ip + v["k"] - 1)),
    Relationship(9, "Transposed: zero padding, unit strides", "transposed", ("i", "k", "p"),
                 r"o' = i' + (k - 1) - 2p \quad (p' = k - p - 1)",
                 _transposed("{ip} + ({k} - 1) - 2 \\cdot {p}",
                             lambda v, ip, a: ip + v["k"] - 1 - 2 * v["p"])),
    Relationship(10, "Transposed: half (same) padding", "transposed", ("i", "k"),
                 r"o' = i' \quad (k = 2n + 1,\; p' = p = \lfloor k/2 \rfloor)",
                 _transposed("{ip} + ({k} - 1) - 2 \\cdot {p}",
                             lambda v, ip, a: ip + v["k"] - 1 - 2 * v["p"])),
    Relationship(11, "Transposed: full padding", "transposed", ("i", "k"),
                 r"o' = i' - (k - 1) \quad (p' = 0)",
                 _transposed("{ip} - ({k} - 1)", lambda v, ip, a: ip - v["k"] + 1)),
    Relationship(12, "Transposed: no zero padding, non-unit strides", "transposed", ("i", "k", "s"),
                 r"o' = s\,(i' - 1) + k \quad (\tilde\imath' = i' + (s-1)(i'-1),\; p' = k - 1)",
                 _transposed("{s} \\cdot ({ip} - 1) + {k}",
                             lambda v, ip, a: v["s"] * (ip - 1) + v["k"])),
    Relationship(13, "Transposed: zero padding, non-unit strides", "transposed",
                 ("i", "k", "s", "p"),
                 r"o' = s\,(i' - 1) + k - 2p \quad (p' = k - p - 1)",
                 _transposed("{s} \\cdot ({ip} - 1) + {k} - 2 \\cdot {p}",
                             lambda v, ip, a: v["s"] * (ip - 1) + v["k"] - 2 * v["p"])),
    Relationship(14, "Transposed: any padding and strides", "transposed", ("i", "k", "s", "p"),
                 r"o' = s\,(i' - 1) + a + k - 2p \quad (a = (i + 2p - k) \bmod s)",
                 _transposed("{s} \\cdot ({ip} - 1) + {a} + {k} - 2 \\cdot {p}",
                             lambda v, ip, a: v["s"] * (ip - 1) + a + v["k"] - 2 * v["p"])),
    Relationship(15, "Dilated convolution", "dilated", PARAMS,
                 r"o = \left\lfloor \frac{i + 2p - k - (k - 1)(d - 1)}{s} \right\rfloor + 1",
                 _direct("{i} + 2 \\cdot {p} - {k} - ({k} - 1)({d} - 1)",
                         lambda v: _floor_of(v, v["i"] + 2 * v["p"] - v["k"]
                                             - (v["k"] - 1) * (v["d"] - 1)))),
)  # fmt: skip


@dataclass(frozen=True)
class Example:
    """A relationship on the learner's numbers.

    ``values``: i, k, s, p, d after the relationship fixed its own; ``formula``/``value``: its
    closed form filled in; ``engine``: the engine's size (0 when no window fits); ``notes``:
    why the relationship does not apply as stated, if it does not; ``axis``: the convolution to
    draw (for a transposed relationship the equivalent direct one over the stretched input, with
    ``labels`` naming its cells), None when there is none.
    """

    relationship: Relationship
    values: dict[str, int]
    formula: str
    value: int
    engine: int
    notes: tuple[str, ...]
    axis: explain.Axis | None
    labels: tuple[str, ...] | None = None
    equivalent: str = ""


def stretched_labels(i_prime: int, s: int, a: int) -> tuple[str, ...]:
    """Cells of the stretched input: the index of each real cell, ``·`` for a zero inserted
    between two, ``+`` for the ``a`` zeros added at the end (relationship 14)."""
    cells = [str(q // s) if q % s == 0 else "·" for q in range((i_prime - 1) * s + 1)]
    return (*cells, *("+",) * a)


def example(relationship: Relationship, values: dict[str, int]) -> Example:
    """Work ``relationship`` out on ``values`` (whole numbers i, k, s >= 1, p >= 0, d >= 1)."""
    v = relationship.settle(values)
    i, k, s, p, d = (v[name] for name in PARAMS)
    forward = explain.axis(i, k, s, p, d)
    notes = []
    if not forward.fits:
        notes.append(f"The window spans {forward.span} cells, more than the {i + 2 * p} of the "
                     "padded input: there is no output.")  # fmt: skip
        return Example(relationship, v, "", 0, 0, tuple(notes), None)
    formula, value = relationship.filled(v)
    if relationship.number in (3, 10) and k % 2 == 0:
        notes.append(f"Half padding needs an odd kernel (k = 2n + 1); with k = {k} the output "
                     f"is not i.")  # fmt: skip
    if relationship.kind != "transposed":
        return Example(relationship, v, formula, value, forward.out, tuple(notes), forward)
    i_prime, a = forward.out, (i + 2 * p - forward.span) % s
    if relationship.number in (12, 13) and a:
        notes.append(f"(i + 2p − k) = {i + 2 * p - k} is not a multiple of s = {s}: this "
                     f"relationship does not apply; relationship 14 does, with a = {a}.")  # fmt: skip
    engine = ops.conv_transpose_size(i_prime, k, s, p, d, a)
    p_prime = k - p - 1
    if p_prime < 0:
        notes.append(f"p = {p} is more than full padding (k − 1 = {k - 1}): the transposed "
                     "convolution crops instead of padding, so there is no equivalent "
                     "direct convolution to draw.")  # fmt: skip
        return Example(relationship, v, formula, value, engine, tuple(notes), None)
    stretched = (i_prime - 1) * s + 1
    axis = explain.axis(stretched + a, k, 1, p_prime, 1)
    equivalent = (
        f"i' = {i_prime} (the convolution's output), stretched to ĩ' = {stretched}"
        + (f" plus a = {a} zero(s) at the end" if a else "")
        + f"; k' = {k}, s' = 1, p' = k − p − 1 = {p_prime}: a direct convolution with "
        f"{axis.out} outputs (the transposed convolution's {engine})."
    )
    return Example(relationship, v, formula, value, engine, tuple(notes), axis,
                   stretched_labels(i_prime, s, a), equivalent)  # fmt: skip
