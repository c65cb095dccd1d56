"""Exact links: what a share link carries besides the setup to reopen a page exactly as it was.

The page's setup is its own link (``app.core.page_setups``); a ``View`` adds, each optional:

=========  ===========  ===============================================================
field      example      what it restores
=========  ===========  ===============================================================
``otab``   ``scalar``   the open tab (a tab word of the page)
``ocell``  ``1_0``      the selected output cell (position, or row and column)
``och``    ``1``        the selected output channel
``oex``    ``6``        the chosen image or sentence (numbered from 0)
``oep``    ``300``      the epoch the animations show
``orun``   ``t300.c50`` the training that made the model: ``t`` train, ``c`` continue, ``s``
                        step with their epochs, ``r`` rewind to an epoch (the run's
                        ``actions``, replayed by ``app.core.run_actions``), from the seed
``ow``     ``0.5_-1``   the run's first weights when not the seed's (typed by hand), in
                        ``Model.parameters`` order
=========  ===========  ===============================================================

Pages 1 and 2 carry their open tab and selected cell in their own link (``tab``, ``at``,
``ao``), so ``view_params`` leaves ``otab``, ``ocell`` and ``och`` out there.
Links written before these fields existed hold none of them and open as before (an empty
``View``). Each field is parsed strictly; a bad one is reported and the whole view is dropped
(the setup still opens). ``fit_to_link(view, parameters)`` keeps a link within the limits: a
history too long to replay (``limits.MAX_REPLAY_EPOCHS``) is carried as the model's weights
instead, and weights too long for a link are left out with a note; ``view_params(setup,
params, view, parameters)`` gives the view's fields for a link already holding the setup's
``params`` (``app.core.share.encode``), as far as they fit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from app.core import limits
from app.core.page_setups import PageSetup
from app.core.run_actions import Action, run_length
from app.core.share import ShareError, format_number, parse_number, query_length

TAB, CELL, CHANNEL, EXAMPLE, EPOCH, RUN, WEIGHTS = (
    "otab",
    "ocell",
    "och",
    "oex",
    "oep",
    "orun",
    "ow",
)
VIEW_FIELDS = (TAB, CELL, CHANNEL, EXAMPLE, EPOCH, RUN, WEIGHTS)
MAX_INDEX = max(limits.MAX_LENGTH, limits.MAX_IMAGE_SIDE)
"""An output cell's index along an axis is below this (the longest axis a page shows)."""
RETRAIN = "The trained model does not fit in a link: whoever opens it must press Train again."
KINDS = ("train", "continue", "step", "rewind")
_LETTERS = {kind[0]: kind for kind in KINDS}
_ACTION = re.compile(r"([tcsr])([0-9]{1,5})")
_INDEX = re.compile(r"[0-9]{1,5}")


@dataclass(frozen=True)
class View:
    """A page's state beyond its setup (every field None or empty when not carried)."""

    tab: str | None = None
    cell: tuple[int, ...] | None = None
    channel: int | None = None
    example: int | None = None
    epoch: int | None = None
    actions: tuple[Action, ...] = ()
    weights: np.ndarray | None = None

    @property
    def trained(self) -> bool:
        """Whether the link restores a trained (or hand-typed) model."""
        return bool(self.actions) or self.weights is not None


def check_actions(actions: tuple[Action, ...]) -> list[str]:
    """Problems with a run's actions as a link carries them (empty when they can be replayed).

    A run starts with one ``train`` (from the seed or the typed weights), then continues,
    steps and rewinds (to an epoch it has reached); at most ``limits.MAX_ACTIONS`` actions and
    ``limits.MAX_REPLAY_EPOCHS`` epochs to replay.
    """
    problems = []
    if len(actions) > limits.MAX_ACTIONS:
        problems.append(f"{len(actions)} training actions; at most {limits.MAX_ACTIONS}")
    if actions and actions[0].kind != "train":
        problems.append("the training history must start with train")
    if any(action.kind == "train" for action in actions[1:]):
        problems.append("train starts a run: only the first action is train")
    for done, action in enumerate(actions):
        if action.kind not in KINDS:
            problems.append(f"a training action is one of {', '.join(KINDS)}")
        elif action.kind == "rewind":
            if not 0 <= action.epochs <= run_length(actions[:done]):
                problems.append("a rewind goes back to an epoch the run has reached")
        elif not 1 <= action.epochs <= limits.MAX_EPOCHS:
            problems.append(f"each action trains 1..{limits.MAX_EPOCHS} epochs")
    if not problems and run_length(actions) > limits.MAX_REPLAY_EPOCHS:
        problems.append(
            f"{run_length(actions)} epochs of training; a link replays at most "
            f"{limits.MAX_REPLAY_EPOCHS}"
        )
    return problems


def actions_text(actions: tuple[Action, ...]) -> str:
    """``t300.c50.s1``: each action's letter and epochs."""
    return ".".join(f"{action.kind[0]}{action.epochs}" for action in actions)


def parse_actions(text: str) -> tuple[Action, ...]:
    """The inverse of ``actions_text``; ValueError for anything else."""
    parts = text.split(".")
    if len(parts) > limits.MAX_ACTIONS:
        raise ValueError(
            f"the link holds {len(parts)} training actions; at most {limits.MAX_ACTIONS}"
        )
    actions = []
    for part in parts:
        match = _ACTION.fullmatch(part)
        if not match:
            raise ValueError("the training history in the link is damaged")
        actions.append(Action(_LETTERS[match[1]], int(match[2])))
    return tuple(actions)


def _index(text: str, name: str, high: int) -> int:
    if not _INDEX.fullmatch(text) or int(text) > high:
        raise ValueError(f"'{name}' should be a whole number in 0..{high}")
    return int(text)


def encode_view(view: View, setup: PageSetup) -> dict[str, str]:
    """The view's query parameters (only the fields it sets).

    Raises
    ------
    ShareError
        A value the page or the limits do not allow (it would not read back).
    """
    params: dict[str, str] = {}
    if view.tab is not None:
        params[TAB] = view.tab
    if view.cell is not None:
        params[CELL] = "_".join(str(int(i)) for i in view.cell)
    for name, value in ((CHANNEL, view.channel), (EXAMPLE, view.example), (EPOCH, view.epoch)):
        if value is not None:
            params[name] = str(int(value))
    if view.actions:
        params[RUN] = actions_text(view.actions)
    if view.weights is not None:
        params[WEIGHTS] = "_".join(format_number(v) for v in np.ravel(view.weights))
    _, errors = decode_view(params, setup)
    if errors:
        raise ShareError("; ".join(errors))
    return params


def decode_view(params: Mapping[str, Any], setup: PageSetup) -> tuple[View, list[str]]:
    """Read the view fields of a link: ``(view, [])``, or ``(View(), errors)`` when one is bad.

    A link without any of them gives ``(View(), [])``: links made before exact links open as
    they always did.
    """
    texts = {name: params[name] for name in VIEW_FIELDS if name in params}
    if not texts:
        return View(), []
    errors = [f"'{name}' appears more than once or is not text"
              for name, text in texts.items() if not isinstance(text, str)]  # fmt: skip
    errors += [f"'{name}' is longer than {limits.MAX_PARAM_CHARS} characters"
               for name, text in texts.items() if isinstance(text, str)
               and len(text) > limits.MAX_PARAM_CHARS]  # fmt: skip
    if errors:
        return View(), errors
    try:
        view = _parse_view(texts, setup)
    except ValueError as error:
        return View(), [str(error)]
    return view, []


def _parse_view(texts: dict[str, str], setup: PageSetup) -> View:
    view = View()
    if TAB in texts:
        if texts[TAB] not in setup.tab_words:
            raise ValueError(f"'{TAB}' should be one of {', '.join(setup.tab_words)}")
        view = replace(view, tab=texts[TAB])
    if CELL in texts:
        parts = texts[CELL].split("_")
        if len(parts) > 3:
            raise ValueError(f"'{CELL}' holds at most 3 indices")
        view = replace(view, cell=tuple(_index(p, CELL, MAX_INDEX - 1) for p in parts))
    bounds = {CHANNEL: limits.MAX_CHANNELS - 1, EXAMPLE: limits.MAX_IMAGES - 1,
              EPOCH: limits.MAX_REPLAY_EPOCHS}  # fmt: skip
    numbers = {name: _index(texts[name], name, high) for name, high in bounds.items()
               if name in texts}  # fmt: skip
    view = replace(view, channel=numbers.get(CHANNEL), example=numbers.get(EXAMPLE),
                   epoch=numbers.get(EPOCH))  # fmt: skip
    trained = RUN in texts or WEIGHTS in texts
    if trained and setup.model_page is None:
        raise ValueError("this page trains no model; the link's training history is not for it")
    if WEIGHTS in texts:
        # At most MAX_PARAM_CHARS characters: about 2000 numbers, parsed one by one.
        weights = np.array([parse_number(t, WEIGHTS) for t in texts[WEIGHTS].split("_")])
        view = replace(view, weights=weights)
    if RUN in texts:
        view = replace(view, actions=parse_actions(texts[RUN]))
    problems = check_actions(view.actions)
    if problems:
        raise ValueError("; ".join(problems))
    return view


def fit_to_link(
    view: View, parameters: np.ndarray | None, room: int = limits.MAX_URL_CHARS
) -> tuple[View, str | None]:
    """The view a link can carry, and a note when it had to change.

    A history of more than ``limits.MAX_REPLAY_EPOCHS`` epochs (or ``limits.MAX_ACTIONS``
    actions) is replaced by the trained model's ``parameters``; weights that do not fit in
    ``room`` characters (or one link field) are left out, and the note says the learner must
    train again. ``parameters`` None: a history that cannot be replayed is left out too.
    """
    if view.actions and check_actions(view.actions):
        if parameters is None:
            return replace(view, actions=(), weights=None), RETRAIN
        view = replace(view, actions=(), weights=np.asarray(parameters, dtype=np.float64))
    if view.weights is None:
        return view, None
    text = "_".join(format_number(v) for v in np.ravel(view.weights))
    if len(text) > limits.MAX_PARAM_CHARS or query_length({WEIGHTS: text}) > room:
        return replace(view, actions=(), weights=None), RETRAIN
    return view, None


def view_params(
    setup: PageSetup,
    params: Mapping[str, str],
    view: View,
    parameters: np.ndarray | None = None,
) -> tuple[dict[str, str], str | None]:
    """The view's fields to add to a link already holding ``params`` (the setup, and any
    view controls), within what is left of ``limits.MAX_URL_CHARS``; and a note when the
    trained state had to be left out (whoever opens the link must train again)."""
    if "tab" in setup.schema.names:  # pages 1 and 2 carry their tab and cell themselves
        view = replace(view, tab=None, cell=None, channel=None)
    room = limits.MAX_URL_CHARS - query_length(params) - 1
    view, note = fit_to_link(view, parameters, room)
    extra = encode_view(view, setup)
    if query_length({**params, **extra}) > limits.MAX_URL_CHARS:
        extra = encode_view(replace(view, actions=(), weights=None), setup)
        note = RETRAIN if view.trained else note
    if query_length({**params, **extra}) > limits.MAX_URL_CHARS:
        return {}, note
    return extra, note
