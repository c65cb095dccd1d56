"""Training runs of sections 3-8 without Streamlit: the job, chunked training, runs, model files.

``app.widgets.training_panel`` draws the buttons, the progress and the results; everything it
computes lives here, so it is testable without a browser:

- ``TrainingJob``: training in progress (kept in session state between fragment reruns);
  ``train_chunk(job)`` trains it for about ``CHUNK_SECONDS`` (whole snapshot intervals in
  "watch it learn" mode) and ``finish(job)`` turns it into a ``TrainingRun``
  (``keep_state(job)``: a snapshot where a replay stops on its way).
- ``TrainingRun``: a finished, stopped or loaded run as the page shows it.
- ``build_for_data(section, data, hp)``: a fresh model for the page's data.
- ``fingerprint(section, data, hyperparameters)``: what makes a run current: a change of data
  or of any hyper-parameter makes it stale. ``snapshot_every(epochs)``: snapshot spacing.
- ``read_model_file(content, section, data) -> (model, data, snapshot)``: the checks behind
  "Load a model" (raises ``persist.ModelFileError``).

Chunked training gives exactly the numbers of one uninterrupted ``cnndemo.train.train`` call:
the same model and optimiser objects are stepped in the same order. A run keeps its optimiser,
its first weights and the actions that made it (``Action``), so it can be continued, stepped and
rewound, and replayed from the seed: ``app.core.run_actions``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.core import limits
from app.core.model_checks import MODEL_FILE_BUDGET, check_model_meta
from cnndemo import data as data_mod
from cnndemo import persist
from cnndemo.diagnose import verdicts
from cnndemo.models import Model, build_model
from cnndemo.optim import Optimizer
from cnndemo.train import Snapshot, train

CHUNK_SECONDS = 0.12
"""Training time between two redraws (and two chances for a Stop click to land)."""

WATCH_SECONDS = 4.0
"""How long a run takes in "watch it learn" mode, whatever its epochs."""

WATCH_PAUSE = 0.17
"""Pause after each chunk in "watch it learn" mode (s): it must outlast the browser drawing the
chunk's new live chart, or the next chunk marks it stale unseen (0.1 s plus Streamlit's 70 ms
post-run ``gc.collect()``, now off in .streamlit/config.toml)."""


SNAPSHOTS = 25
"""Snapshots per run (about): the animation frames."""


Data = data_mod.TextData | data_mod.ImageData


@dataclass(frozen=True)
class Action:
    """One thing a learner did to a run: ``kind`` "train" (from the first weights),
    "continue" or "step" (``epochs`` more updates), or "rewind" (back to epoch ``epochs``)."""

    kind: str
    epochs: int


@dataclass
class TrainingRun:
    """A finished, stopped or loaded run, as the page shows it.

    Attributes
    ----------
    section : int
    hyperparameters : dict
        Those the model was built with.
    fingerprint : str
        ``fingerprint(section, data, hyperparameters)`` of the setup it was trained on.
    model : Model
    data : TextData or ImageData
        The data it was trained on (or, for a loaded model, evaluated on).
    errors : list of float
        One per epoch run (before that epoch's update); empty for a loaded model.
    snapshots : list of Snapshot
        Every ``every`` epochs, then the final state (also ``final``).
    final : Snapshot
        State after the last update.
    epochs_planned : int
    stopped : bool
        Stopped early with the Stop button (or by a change of setup during training).
    source : str
        "trained" or "loaded" (then ``file_name`` says from where).
    seconds : float
        Wall-clock training time (chunks only, not the redraws between them).
    stale : bool
        Set by the panel on every rerun: True when the setup on screen differs.
    optimizer : Optimizer or None
        The optimiser after the last update (its momentum), where a "continue" resumes; None
        for a loaded model or a view of an earlier epoch.
    every : int
        Snapshot spacing (epochs).
    start : ndarray or None
        The first weights (``Model.parameters``) when they were not drawn from the seed (typed
        by hand, or a loaded model's); ``start_label`` says which.
    actions : tuple of Action
        What made this run from its first weights: seed (or ``start``) + ``actions`` replays it
        exactly (``app.core.run_actions.replay``).
    optimizer_states : dict of int to Optimizer
        A copy of the optimiser at each snapshot's epoch: a rewind resumes from there.
    gradient_norms : ndarray of shape (epochs run, named parameters), or None
        Each epoch's gradient norm per ``Model.named_parameters`` entry, measured with that
        epoch's error (``cnndemo.train.train(record_gradients=True)``); None for a loaded model.
    """

    section: int
    hyperparameters: dict[str, Any]
    fingerprint: str
    model: Model
    data: Data
    errors: list[float]
    snapshots: list[Snapshot]
    final: Snapshot
    epochs_planned: int
    stopped: bool = False
    source: str = "trained"
    file_name: str = ""
    seconds: float = 0.0
    stale: bool = False
    optimizer: Optimizer | None = None
    every: int = 1
    start: np.ndarray | None = None
    start_label: str = "seed"
    actions: tuple[Action, ...] = ()
    optimizer_states: dict[int, Optimizer] = field(default_factory=dict, repr=False)
    memos: dict[Any, Any] = field(default_factory=dict, repr=False)
    gradient_norms: np.ndarray | None = None

    @property
    def epochs_run(self) -> int:
        """Updates applied."""
        return self.final.epoch

    @property
    def history(self) -> tuple[list[int], list[Any], list[Any]]:
        """Per snapshot: its epoch, window vectors and example vectors (animation frames)."""
        shots = self.snapshots
        return (
            [s.epoch for s in shots], [s.window_vectors for s in shots],
            [s.example_vectors for s in shots],
        )  # fmt: skip

    def verdicts(self) -> np.ndarray:
        """ "right", "wrong" or "undecided" per example (``cnndemo.diagnose.verdicts``)."""
        return verdicts(self.final.probabilities, self.data.targets)

    def wrong(self) -> list[int]:
        """Indices of the examples on the wrong side of 0.5 (not those undecided at 0.5000)."""
        return np.flatnonzero(self.verdicts() == "wrong").tolist()

    def undecided(self) -> list[int]:
        """Indices of the examples whose P(label 1) shows as 0.5000: neither right nor wrong."""
        return np.flatnonzero(self.verdicts() == "undecided").tolist()

    def memo(self, name: Any, build: Callable[[], Any]) -> Any:
        """Memoise a value of this run (``build()`` runs once per ``name``).

        The widget layer keeps the run's figures here as JSON specs
        (``app.widgets.cached_figures.run_figure``); other values (a model file's bytes) are
        kept as they are.
        """
        if name not in self.memos:
            self.memos[name] = build()
        return self.memos[name]


@dataclass
class TrainingJob:
    """Training in progress (lives in session state between fragment reruns)."""

    section: int
    hyperparameters: dict[str, Any]
    fingerprint: str
    model: Model
    optimizer: Optimizer
    data: Data
    epochs: int
    every: int
    watch: bool
    errors: list[float] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    seconds: float = 0.0
    stop_requested: bool = False
    final: Snapshot | None = None  # state after the last chunk
    kind: str = "train"  # the Action this job records: "train", "continue" or "step"
    first_epoch: int = 0  # updates applied before this job (a continued run's)
    start: np.ndarray | None = None  # as TrainingRun.start
    start_label: str = "seed"
    actions: tuple[Action, ...] = ()  # the run's actions before this job
    optimizer_states: dict[int, Optimizer] = field(default_factory=dict)  # by snapshot epoch
    gradient_norms: list[np.ndarray] = field(default_factory=list)  # one row per epoch run


def fingerprint(section: int, data: Data, hyperparameters: Mapping[str, Any]) -> str:
    """A short hash of everything that determines a run."""
    if isinstance(data, data_mod.TextData):
        content: Any = [list(data.sentences), data.targets.tolist()]
    else:
        content = [list(data.names), data.targets.tolist()]
    text = json.dumps([section, content, sorted(hyperparameters.items())], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def snapshot_every(epochs: int) -> int:
    """Snapshot spacing giving about ``SNAPSHOTS`` frames."""
    return max(1, math.ceil(epochs / SNAPSHOTS))


def build_for_data(section: int, data: Data, hp: Mapping[str, Any]) -> Model:
    if isinstance(data, data_mod.TextData):
        return build_model(
            section, vocabulary=data.vocabulary, input_size=data.inputs.shape[1:2], **hp
        )
    return build_model(section, input_size=data.inputs.shape[1:3], **hp)


def train_chunk(job: TrainingJob) -> None:
    """Run epochs until the chunk's time is up (at a snapshot boundary) or the run is complete.

    Pure NumPy: no Streamlit call, so nothing can interrupt it half-way. A continued run that
    stopped off the snapshot grid (a step, a Stop) first trains up to the next snapshot epoch,
    so every run keeps snapshots at multiples of ``every``, as one long run would.
    """
    start = time.perf_counter()
    done = len(job.errors)
    offset = done % job.every
    if offset and done < job.epochs:
        gap = min(job.every - offset, job.epochs - done)
        part = train(
            job.model, job.data, epochs=gap, optimizer=job.optimizer,
            callback=_keeper(job, done), record_gradients=True,
        )  # fmt: skip
        _extend(job, part, done)
        done += gap
    remaining = job.epochs - done
    if remaining <= 0:
        job.seconds += time.perf_counter() - start
        return
    if job.watch:
        # Whole snapshot intervals per chunk, so chunks start where a snapshot is due.
        per_chunk = (job.epochs - job.first_epoch) / (WATCH_SECONDS / WATCH_PAUSE)
        chunk_epochs = job.every * max(1, round(per_chunk / job.every))
        budget = math.inf
    else:
        chunk_epochs = remaining
        budget = CHUNK_SECONDS
    chunk_epochs = min(chunk_epochs, remaining)
    counter = iter(range(done, job.epochs + 1))

    def should_stop() -> bool:
        # Called before each epoch: stop on a snapshot boundary once the time is up, so every
        # chunk starts where a snapshot is due and the snapshot grid is that of one long run.
        epoch = next(counter)
        return epoch % job.every == 0 and epoch > done and time.perf_counter() - start > budget

    result = train(
        job.model, job.data, epochs=chunk_epochs, optimizer=job.optimizer, every=job.every,
        should_stop=should_stop, callback=_keeper(job, done), record_gradients=True,
    )  # fmt: skip
    _extend(job, result, done)
    job.seconds += time.perf_counter() - start


def _keeper(job: TrainingJob, done: int) -> Callable[[Snapshot], None]:
    """A ``train`` callback keeping a copy of the optimiser at every snapshot (and the end)."""

    def keep(snapshot: Snapshot) -> None:
        # Called before that epoch's update: the optimiser holds the state of that snapshot.
        job.optimizer_states[done + snapshot.epoch] = copy.deepcopy(job.optimizer)

    return keep


def _extend(job: TrainingJob, result: Any, done: int) -> None:
    """Append a chunk's errors, gradient norms and snapshots (their epochs made absolute)."""
    if result.gradient_norms is not None:
        job.gradient_norms.extend(result.gradient_norms)
    for snapshot in result.snapshots:
        snapshot.epoch += done
    shots = result.snapshots
    if shots and job.snapshots and job.snapshots[-1].epoch == shots[0].epoch:
        # The state a continued run starts from was already kept (its final snapshot).
        job.snapshots.pop()
    job.snapshots.extend(shots)
    job.errors.extend(result.errors)
    job.final = result.final


def keep_state(job: TrainingJob) -> None:
    """Keep the job's current state as a snapshot, as a run that ends here keeps its final
    state (``finish``): a replay stopping where the original run once ended (a step, a Stop)
    gets that snapshot too, off the ``every`` grid."""
    final = job.final
    if final is None or (job.snapshots and job.snapshots[-1].epoch == len(job.errors)):
        return
    final.epoch = len(job.errors)
    job.snapshots.append(final)


def finish(job: TrainingJob) -> TrainingRun:
    """The run a finished or stopped job leaves (its first state if no update ran)."""
    final = job.final
    if final is None:  # stopped before the first chunk: evaluate the model as it is
        final = train(job.model, job.data, epochs=0).final
    final.epoch = len(job.errors)
    snapshots = list(job.snapshots)
    if not snapshots or snapshots[-1].epoch != final.epoch:
        snapshots.append(final)
    ran = len(job.errors) - job.first_epoch
    actions = job.actions + ((Action(job.kind, ran),) if ran or job.kind == "train" else ())
    run = TrainingRun(
        job.section, job.hyperparameters, job.fingerprint, job.model, job.data,
        list(job.errors), snapshots, final, job.epochs,
        stopped=len(job.errors) < job.epochs, seconds=job.seconds, optimizer=job.optimizer,
        every=job.every, start=job.start, start_label=job.start_label, actions=actions,
        optimizer_states=job.optimizer_states,
        gradient_norms=np.array(job.gradient_norms) if job.gradient_norms else None,
    )  # fmt: skip
    return run


def data_for_model(model: Model, data: Data) -> Data:
    """The page's data as the loaded model sees it (its own vocabulary for text)."""
    if isinstance(data, data_mod.TextData):
        return data_mod.text_data(
            data.sentences, data.targets.astype(int).tolist(), vocabulary=model.vocabulary
        )
    return data


def read_model_file(
    content: bytes, section: int, data: Data | None
) -> tuple[Model, Data, Snapshot]:
    """Check an uploaded model file and evaluate it on the page's data (no Streamlit).

    The file is read within ``model_checks.MODEL_FILE_BUDGET`` and its metadata checked
    against the page's limits (``model_checks.check_model_meta``) before the model is built.
    Returns ``(model, data as the model sees it, snapshot of its state on that data)``.

    Raises
    ------
    persist.ModelFileError
        Too large, not a model file, another section's model, a model the page cannot show,
        or data it cannot read. Nothing else escapes, whatever the bytes: any other failure
        (RecursionError, MemoryError, OverflowError included) becomes this error too, with a
        message of at most ``MESSAGE_CHARS`` characters.
    """
    try:
        return _read_model_file(content, section, data)
    except persist.ModelFileError as error:
        raise persist.ModelFileError(_shortened(str(error))) from error
    except Exception as error:  # noqa: BLE001 - a hostile file must end in a message, always
        raise persist.ModelFileError(
            "this file could not be read as a model (it may be damaged, or not saved by this app)"
        ) from error


MESSAGE_CHARS = 300
"""Longest message about a model file (the engine's messages may quote what the file holds)."""


def _shortened(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"


def _read_model_file(
    content: bytes, section: int, data: Data | None
) -> tuple[Model, Data, Snapshot]:
    if len(content) > limits.MAX_MODEL_FILE_BYTES:
        raise persist.ModelFileError(
            f"the file has {len(content):,} bytes; model files are at most "
            f"{limits.MAX_MODEL_FILE_BYTES:,}"
        )
    model = persist.loads(
        content, MODEL_FILE_BUDGET, check=lambda meta: check_model_meta(meta, section)
    )
    if data is None:
        raise persist.ModelFileError("fix the data above first: the model is evaluated on it")
    try:
        own = data_for_model(model, data)
        final = train(model, own, epochs=0).final
    except ValueError as error:
        raise persist.ModelFileError(f"the model cannot read this page's data: {error}") from error
    return model, own, final
