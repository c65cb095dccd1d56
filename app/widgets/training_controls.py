"""The hyper-parameter controls of the training pages (sections 3-8).

``choice(name, label, options, help=None) -> Control`` / ``integer(name, label, low, high,
help=None) -> Control``
    Section-specific hyper-parameter controls (``name`` is a ``build_model`` keyword such as
    ``pool``, ``activation``, ``embedding_size``, ``channels``).
``hyperparameter_controls(prefix, section, extras=(), *, show=COMMON) -> dict``
    Draws learning rate, momentum, optimiser, init scale, epochs (capped by
    ``limits.MAX_EPOCHS``), seed, then the extras; returns every hyper-parameter of
    ``cnndemo.models.default_hyperparameters(section)`` with the widgets' values filled in,
    ready for ``build_model(section, **hp)``. Widget keys: ``hp_key(prefix, name)``.
``set_hyperparameters(prefix, values)``
    Write widget values (share links, loaded models); call before the controls render or in
    a callback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from app.core import limits
from cnndemo.models import default_hyperparameters
from cnndemo.optim import OPTIMIZERS

COMMON = ("learning_rate", "momentum", "optimizer", "init_scale", "epochs", "seed")
"""The hyper-parameters every training page shows."""


OPTIMIZER_LABELS = {
    "momentum": "gradient descent with momentum",
    "sgd": "plain gradient descent",
    "adam": "Adam",
}


@dataclass(frozen=True)
class Control:
    """A section-specific hyper-parameter control: a radio (``options``) or a whole number."""

    name: str
    label: str
    options: tuple[Any, ...] | None = None
    low: int = 1
    high: int = 1
    help: str | None = None


def choice(name: str, label: str, options: Sequence[Any], help: str | None = None) -> Control:
    """A radio over ``options`` for hyper-parameter ``name``."""
    return Control(name, label, tuple(options), help=help)


def integer(name: str, label: str, low: int, high: int, help: str | None = None) -> Control:
    """A whole-number input in ``[low, high]`` for hyper-parameter ``name``."""
    return Control(name, label, None, low, high, help)


def hp_key(prefix: str, name: str) -> str:
    """Widget key of hyper-parameter ``name`` (for tests and share links)."""
    return f"{prefix}.tp.hp.{name}"


def set_hyperparameters(prefix: str, values: Mapping[str, Any]) -> None:
    """Set the controls' values (before they render, or in a callback)."""
    for name, value in values.items():
        st.session_state[hp_key(prefix, name)] = value


def _common_widget(prefix: str, name: str, default: Any) -> Any:
    key = hp_key(prefix, name)
    st.session_state.setdefault(key, default)
    if name == "learning_rate":
        return st.number_input(
            "learning rate", min_value=1e-4, max_value=10.0, step=0.1, format="%.4g", key=key,
            help="How far each update moves the weights along the gradient",
        )  # fmt: skip
    if name == "momentum":
        return st.number_input(
            "momentum", min_value=0.0, max_value=0.99, step=0.05, format="%.2f", key=key,
            help="accumulator = momentum × accumulator + gradient (TensorFlow's rule); "
            "only the momentum optimiser uses it",
        )  # fmt: skip
    if name == "optimizer":
        return st.selectbox(
            "optimiser", OPTIMIZERS, key=key, format_func=OPTIMIZER_LABELS.__getitem__,
            help="Adam adapts the step per weight; try learning rate 0.05 with it",
        )  # fmt: skip
    if name == "init_scale":
        return st.number_input(
            "init scale", min_value=1e-4, max_value=2.0, step=0.01, format="%.4g", key=key,
            help="Standard deviation of the normal distribution the first weights come from",
        )  # fmt: skip
    if name == "epochs":
        st.session_state[key] = min(max(int(st.session_state[key]), 1), limits.MAX_EPOCHS)
        return int(
            st.number_input(
                "epochs",
                min_value=1,
                max_value=limits.MAX_EPOCHS,
                step=100,
                key=key,
                help=f"Full passes over the data (at most {limits.MAX_EPOCHS})",
            )  # fmt: skip
        )
    if name == "seed":
        return int(
            st.number_input(
                "seed",
                min_value=0,
                max_value=limits.MAX_SEED,
                step=1,
                key=key,
                help="Picks the random first weights: same seed, same run",
            )  # fmt: skip
        )
    raise ValueError(f"no common control for {name!r}")


def hyperparameter_controls(
    prefix: str,
    section: int,
    extras: Sequence[Control] = (),
    *,
    show: Sequence[str] = COMMON,
    columns: int = 4,
) -> dict[str, Any]:
    """Draw the controls; return the full hyper-parameter dict for ``build_model(section, ...)``."""
    hp = default_hyperparameters(section)
    cols = st.columns(columns)
    for i, name in enumerate(show):
        with cols[i % columns]:
            hp[name] = _common_widget(prefix, name, hp[name])
    if extras:
        cols = st.columns(max(len(extras), 1))
        for col, control in zip(cols, extras, strict=True):
            key = hp_key(prefix, control.name)
            st.session_state.setdefault(key, hp[control.name])
            with col:
                if control.options is not None:
                    if st.session_state[key] not in control.options:
                        st.session_state[key] = control.options[0]
                    hp[control.name] = st.radio(
                        control.label, control.options, key=key, horizontal=True,
                        help=control.help,
                    )  # fmt: skip
                else:
                    value = min(max(int(st.session_state[key]), control.low), control.high)
                    st.session_state[key] = value
                    hp[control.name] = int(
                        st.number_input(
                            control.label,
                            control.low,
                            control.high,
                            step=1,
                            key=key,
                            help=control.help,
                        )  # fmt: skip
                    )
    hp["learning_rate"] = float(hp["learning_rate"])
    hp["momentum"] = float(hp["momentum"])
    hp["init_scale"] = float(hp["init_scale"])
    return hp
