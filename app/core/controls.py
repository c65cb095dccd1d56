"""Every control declared once: key, link field, label, type, bounds, default, help and widget.

A page declares each control as a ``Control`` and each editable table as a ``TensorSpec``; a
``Controls`` group of them derives everything else, so no page spells a control twice:

- ``Controls.fields`` / ``schema()``: the share-link fields and schema (``app.core.share``);
- ``share_state(session)``: the link's values, read from session state;
- ``apply(link_state, session)``: a decoded link written into session state;
- ``added_later(tables)``: link rules that let links written before these controls existed
  open with their defaults;
- ``defaults()``, ``keys`` (the keep-list), ``Control.clamp`` (a stored value into bounds),
  ``set_values(values, session)`` (values by name, e.g. from a model file, clamped).

Plain Python: ``session`` is any mutable mapping (``st.session_state`` on a page, a dict in
tests). ``app.widgets.controls.control_input`` draws any declaration; bounds come only from
here, and the numbers from ``app.core.limits``. The controls of the convolution pages (sizes,
stride, dilation, padding, pooling kind, activation) are made by ``app.core.conv_controls``;
the training pages' hyper-parameters are declared in ``app.core.hyperparameters``.

Example (page 2's row stride, as ``conv_controls.stride_control`` makes it)::

    STRIDE_Y = Control("c2d.s.sy", "sy", "stride y (rows)", "int", default=1, low=1,
                       high=limits.MAX_STRIDE, step=1, help="Step between windows")
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from app.core.share import (
    Added,
    ChoiceField,
    Field,
    IntField,
    NumberField,
    Schema,
    TensorField,
)
from app.core.tensor_tables import KINDS, NDIM

Kind = Literal["int", "float", "choice"]
Widget = Literal["number", "slider", "radio", "select"]
WIDGETS = ("number", "slider", "radio", "select")


@dataclass(frozen=True)
class Control:
    """One control.

    Attributes
    ----------
    key : str
        Its session-state and widget key (a hyper-parameter's name until a page binds it).
    field : str or None
        Its share-link field; None keeps it out of the link (sizes the tables carry).
    label, help : str
        What the widget says.
    kind : "int", "float" or "choice"
    default : value or None
        None: a size set by its table (``init_tensor``), or a hyper-parameter whose default
        the engine gives (``cnndemo.models.default_hyperparameters``, filled in on binding).
    low, high : number
        Bounds of a number (inclusive).
    options, option_labels : tuple
        The choices, and optionally what the widget shows for each.
    widget : "number", "slider", "radio" or "select"
        How it is drawn: switching a number box to a slider is this one word.
    step, format : number box / slider step and printf format.
    link_codes : tuple of str
        What the share link writes for each option, when the options themselves are not plain
        words (a tab's label); empty: the options.
    name : str
        What the values are called outside session state (a ``build_model`` keyword for a
        hyper-parameter); defaults to ``key``.
    """

    key: str
    field: str | None
    label: str
    kind: Kind
    default: Any = None
    low: float | None = None
    high: float | None = None
    options: tuple[Any, ...] = ()
    option_labels: tuple[str, ...] = ()
    help: str | None = None
    widget: Widget = "number"
    step: float | None = None
    format: str | None = None
    name: str = ""
    link_codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.key)
        if self.widget not in WIDGETS:
            raise ValueError(f"{self.key}: unknown widget {self.widget!r}")
        if self.kind == "choice":
            if not self.options:
                raise ValueError(f"{self.key}: a choice needs options")
            if self.option_labels and len(self.option_labels) != len(self.options):
                raise ValueError(f"{self.key}: one label per option")
            if self.link_codes and len(self.link_codes) != len(self.options):
                raise ValueError(f"{self.key}: one link code per option")
        elif self.kind in ("int", "float"):
            if self.low is None or self.high is None or self.low > self.high:
                raise ValueError(f"{self.key}: a number needs low <= high")
        else:
            raise ValueError(f"{self.key}: unknown kind {self.kind!r}")

    @property
    def fallback(self) -> Any:
        """The value a missing or unusable stored value is replaced by."""
        if self.default is not None:
            return self.default
        return self.options[0] if self.kind == "choice" else self.low

    def clamp(self, value: Any) -> Any:
        """``value`` brought into bounds: a number clamped (whole for "int"), a choice that is
        not an option replaced by the default; anything unreadable (text, NaN) by the default."""
        if self.kind == "choice":
            try:
                return value if value in self.options else self.fallback
            except (TypeError, ValueError):  # an array or other unhashable junk
                return self.fallback
        try:
            number = float(value)
        except OverflowError:  # a whole number too large for a float: past one bound
            number = self.high if value > 0 else self.low
        except (TypeError, ValueError):
            return self.fallback
        if not math.isfinite(number):
            return self.fallback
        number = min(max(number, self.low), self.high)
        return int(number) if self.kind == "int" else number

    def label_of(self, option: Any) -> str:
        """What the widget shows for ``option``."""
        if self.option_labels:
            return self.option_labels[self.options.index(option)]
        return str(option)

    def link_field(self) -> Field:
        """Its share-link field (``field`` must be set)."""
        if self.field is None:
            raise ValueError(f"{self.key} is not part of the share link")
        if self.kind == "choice":
            return ChoiceField(self.field, self.link_codes or tuple(self.options))
        if self.kind == "int":
            return IntField(self.field, int(self.low), int(self.high))
        return NumberField(self.field, float(self.low), float(self.high))

    def to_link(self, value: Any) -> Any:
        """``value`` as the link writes it (its link code, if the control has codes)."""
        return self.link_codes[self.options.index(value)] if self.link_codes else value

    def from_link(self, value: Any) -> Any:
        """The inverse of ``to_link``."""
        return self.options[self.link_codes.index(value)] if self.link_codes else value

    def worded(self, label: str | None = None, help: str | None = None) -> Control:
        """The same control with other words (a page's own label or help; ``help=""`` drops the
        help); bounds unchanged."""
        return replace(
            self, label=label or self.label, help=self.help if help is None else help or None
        )

    def bound(self, key: str, default: Any = None) -> Control:
        """The same control under session-state ``key`` (its ``name`` stays)."""
        return replace(self, key=key, name=self.name, default=self.default if default is None
                       else default)  # fmt: skip


@dataclass(frozen=True)
class TensorSpec:
    """An editable tensor: its session-state prefix, table kind, label, the size controls of its
    axes and its share-link field.

    ``sizes[i]`` is the control holding the length of axis ``i``; None fixes that axis at the
    length of the default tensor (length 1: the link leaves such axes out). The link field's
    largest shape is the size controls' upper bounds.
    """

    name: str
    kind: str
    label: str
    sizes: tuple[Control | None, ...]
    field: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown tensor kind {self.kind!r}")
        if len(self.sizes) != NDIM[self.kind]:
            raise ValueError(f"{self.kind} needs {NDIM[self.kind]} size controls")

    @property
    def size_keys(self) -> tuple[str | None, ...]:
        """Session-state key of each axis' length (None for a fixed axis)."""
        return tuple(None if size is None else size.key for size in self.sizes)

    @property
    def value_key(self) -> str:
        """Session-state key of its last valid value (a NumPy array)."""
        return f"{self.name}.value"

    @property
    def version_key(self) -> str:
        """Session-state key of its tables' version (part of their widget keys)."""
        return f"{self.name}.version"

    def store(
        self, value: np.ndarray, session: MutableMapping[str, Any], sync_sizes: bool = True
    ) -> None:
        """Replace the tensor; its tables start afresh (new version). With ``sync_sizes`` its
        size controls take the new shape (only allowed before they are drawn)."""
        value = np.asarray(value, dtype=np.float64).copy()
        session[self.value_key] = value
        session[self.version_key] = session.get(self.version_key, 0) + 1
        if sync_sizes:
            for key, n in zip(self.size_keys, value.shape, strict=True):
                if key is not None:
                    session[key] = int(n)

    @property
    def fixed_axes(self) -> tuple[int, ...]:
        return tuple(axis for axis, size in enumerate(self.sizes) if size is None)

    def link_field(self) -> TensorField:
        max_shape = tuple(int(size.high) for size in self.sizes if size is not None)
        return TensorField(self.field or self.name, max_shape)

    def to_link(self, value: np.ndarray) -> np.ndarray:
        """The tensor as its link stores it (fixed axes left out)."""
        return np.squeeze(value, axis=self.fixed_axes) if self.fixed_axes else value

    def from_link(self, value: np.ndarray) -> np.ndarray:
        """The inverse of ``to_link``."""
        return np.expand_dims(value, self.fixed_axes) if self.fixed_axes else value


@dataclass(frozen=True)
class Controls:
    """A group of controls (one page's, or a part's) and the tensors of its share link."""

    items: tuple[Control, ...]
    tensors: tuple[TensorSpec, ...] = ()

    def __post_init__(self) -> None:
        for attribute in ("key", "name"):
            seen = [getattr(c, attribute) for c in self.items]
            if len(set(seen)) != len(seen):
                raise ValueError(f"two controls share a {attribute}: {seen}")
        fields = [name for name in self.field_names if name]
        if len(set(fields)) != len(fields):
            raise ValueError(f"two controls share a link field: {fields}")

    def __iter__(self) -> Iterator[Control]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __add__(self, other: Controls) -> Controls:
        return Controls(self.items + other.items, self.tensors + other.tensors)

    def __getitem__(self, name: str) -> Control:
        """The control called ``name``."""
        for control in self.items:
            if control.name == name:
                return control
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(t.field or t.name for t in self.tensors if t.field) + tuple(
            c.field for c in self.items if c.field
        )

    @property
    def fields(self) -> tuple[Field, ...]:
        """Share-link fields: the tensors', then the controls' (those with a field)."""
        return tuple(t.link_field() for t in self.tensors if t.field) + tuple(
            c.link_field() for c in self.items if c.field
        )

    def schema(
        self,
        data_fields: Sequence[Field] = (),
        check: Callable[[dict[str, Any]], list[str]] | None = None,
        legacy: Sequence = (),
    ) -> Schema:
        """The link schema: ``data_fields`` (images, sentences) first, then ``fields``."""
        return Schema((*data_fields, *self.fields), check=check, legacy=tuple(legacy))

    @property
    def keys(self) -> tuple[str, ...]:
        """Session-state keys of every control: the keep-list of a page whose parts do not all
        draw on every run."""
        return tuple(c.key for c in self.items)

    def defaults(self) -> dict[str, Any]:
        """Default value by key."""
        return {c.key: c.fallback for c in self.items}

    def values(self, session: Mapping[str, Any]) -> dict[str, Any]:
        """Each control's value by name, read from ``session`` and clamped (default if unset)."""
        return {c.name: c.clamp(session.get(c.key, c.fallback)) for c in self.items}

    def link_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Link fields of the controls, from values by name."""
        return {c.field: c.to_link(values[c.name]) for c in self.items if c.field}

    def share_state(self, session: Mapping[str, Any]) -> dict[str, Any]:
        """The link's values of the tensors and controls, read from ``session``."""
        state = {t.field: t.to_link(session[t.value_key]) for t in self.tensors if t.field}
        return state | self.link_values(self.values(session))

    def from_link(self, link_state: Mapping[str, Any]) -> dict[str, Any]:
        """Values by name of the controls a decoded link holds."""
        return {
            c.name: c.from_link(link_state[c.field]) for c in self.items if c.field in link_state
        }

    def added_later(
        self, tables: Sequence[tuple[TensorSpec, np.ndarray]] = ()
    ) -> tuple[Added, ...]:
        """Link rules for this group's fields, added after the page's links were first shared:
        a link without them opens with the controls' defaults (and ``tables``' defaults), so
        older links keep opening. Pass them as the schema's ``legacy``."""
        defaults = {spec.field: spec.to_link(value) for spec, value in tables if spec.field}
        rules = [
            Added(t.field, t.link_field().to_text(defaults[t.field]))
            for t in self.tensors
            if t.field
        ]
        rules += [
            Added(c.field, c.link_field().to_text(c.to_link(c.fallback)))
            for c in self.items
            if c.field
        ]
        return tuple(rules)

    def apply(self, link_state: Mapping[str, Any], session: MutableMapping[str, Any]) -> None:
        """Write a decoded link into ``session``: the tensors (and so their sizes), then the
        controls. Call before any of them is drawn."""
        for tensor in self.tensors:
            if tensor.field in link_state:
                tensor.store(tensor.from_link(link_state[tensor.field]), session)
        self.set_values(self.from_link(link_state), session)

    def set_values(self, values: Mapping[str, Any], session: MutableMapping[str, Any]) -> list[str]:
        """Write values by name (those this group has), clamped; returns a note for each value
        that had to be changed (its words never echo the value's text: it may come from a file)."""
        notes = []
        for control in self.items:
            if control.name not in values:
                continue
            value = values[control.name]
            session[control.key] = clamped = control.clamp(value)
            if not (isinstance(value, int | float | str) and clamped == value):
                notes.append(_changed_note(control, value, clamped))
        return notes


def _changed_note(control: Control, value: Any, clamped: Any) -> str:
    """Why ``value`` became ``clamped``, in words that do not echo a text value."""
    if control.kind == "choice":
        options = ", ".join(map(str, control.options))
        return f"{control.label}: not one of {options}, set to {clamped}"
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return f"{control.label}: not a number, set to {clamped:g}"
    return (
        f"{control.label} {number:g} is outside {control.low:g}..{control.high:g}, "
        f"set to {clamped:g}"
    )
