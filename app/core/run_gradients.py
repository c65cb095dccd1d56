"""What the loss asks of a training run's weights (sections 3-8), as the gradient view shows it.

Plain Python: the numbers come from the engine (``cnndemo.gradients``), the run keeps them
(``TrainingRun.snapshots``' gradients, ``TrainingRun.gradient_norms`` per epoch); this module
picks what the view draws and says it in words.

- ``gradient_controls(prefix)``: the view's controls (epoch, example, norm axis), link fields
  ``gep``, ``gex``, ``gax``.
- ``shown_parameters(model)``: the embedding (text models) and every conv kernel.
- ``snapshot_near(run, epoch)``, ``whole_gradient(run, snapshot)``, ``example_shares(run,
  snapshot)``: the full-batch gradient at a snapshot and every example's share of it.
- ``norm_history(run) -> NormHistory``: the gradient norm per layer at every epoch.
- ``stall_note(run, history)``: a ln 2 plateau or stall explained from the run's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core import limits
from app.core.controls import Control, Controls
from app.core.training_jobs import TrainingRun
from cnndemo.diagnose import LN2, diagnose
from cnndemo.gradients import example_gradients, layer_norms
from cnndemo.models import Model
from cnndemo.train import Snapshot

PLATEAU = 1e-3
"""An epoch whose error is within this of ln 2 belongs to the ln 2 plateau."""


def gradient_controls(prefix: str) -> Controls:
    """The gradient view's controls under page ``prefix`` (keys ``{prefix}.grad.*``).

    The epoch defaults to the largest a run can have, which the view reads as "the last
    snapshot"; a value between snapshots shows the nearest one.
    """
    return Controls(
        (
            Control(
                f"{prefix}.grad.epoch", "gep", "epoch", "int", default=limits.MAX_EPOCHS,
                low=0, high=limits.MAX_EPOCHS,
                help="The moment of training whose gradient is shown (a snapshot of the run)",
            ),
            Control(
                f"{prefix}.grad.example", "gex", "example", "int", default=0, low=0,
                high=limits.MAX_BATCH - 1, widget="select",
                help="Whose share of the gradient is shown next to the whole",
            ),
            Control(
                f"{prefix}.grad.axis", "gax", "norm axis", "choice", default="log",
                options=("log", "linear"), option_labels=("log scale", "linear scale"),
                widget="radio", help="A log scale shows tiny and large norms alike",
            ),
        )
    )  # fmt: skip


def shown_parameters(model: Model) -> tuple[str, ...]:
    """The named parameters the view draws: the word embedding (text models), then each conv
    kernel, in model order."""
    return tuple(
        name
        for name in model.named_parameters()
        if name == "embedding.weights" or name.endswith(".kernel") and name.startswith("conv")
    )


def snapshot_near(run: TrainingRun, epoch: int) -> Snapshot:
    """The run's snapshot closest to ``epoch`` (the later one on a tie)."""
    return min(reversed(run.snapshots), key=lambda s: abs(s.epoch - epoch))


def whole_gradient(run: TrainingRun, snapshot: Snapshot) -> dict[str, np.ndarray]:
    """The gradient of the mean training error at ``snapshot`` (what that epoch's update used),
    keyed and shaped as ``Model.named_parameters``."""
    return run.model.unflatten(snapshot.gradients)


def example_shares(run: TrainingRun, snapshot: Snapshot) -> list[dict[str, np.ndarray]]:
    """Every example's share of :func:`whole_gradient` (``cnndemo.gradients.example_gradients``),
    in data order; memoised on the run."""

    def build() -> list[dict[str, np.ndarray]]:
        return [
            example_gradients(run.model, run.data, snapshot.parameters, index)
            for index in range(len(run.data.targets))
        ]

    return run.memo(("gradient shares", snapshot.epoch), build)


@dataclass(frozen=True)
class NormHistory:
    """Gradient norms through a run.

    Attributes
    ----------
    epochs : ndarray of int, shape (points,)
        Every epoch run and the final state (or, without per-epoch norms, the snapshots).
    parameters : tuple of str
        Named parameters, as ``Model.named_parameters``.
    parameter_norms : ndarray, shape (points, parameters)
    layers : tuple of str
        Layer names in model order.
    layer_norms : ndarray, shape (points, layers)
        The norm of each layer's whole gradient (weights and bias together).
    per_epoch : bool
        True when every epoch is there; False when only the snapshots are.
    """

    epochs: np.ndarray
    parameters: tuple[str, ...]
    parameter_norms: np.ndarray
    layers: tuple[str, ...]
    layer_norms: np.ndarray
    per_epoch: bool

    def column(self, parameter: str) -> np.ndarray:
        """One named parameter's norms, shape (points,)."""
        return self.parameter_norms[:, self.parameters.index(parameter)]


def _parameter_norms(model: Model, flat: np.ndarray) -> np.ndarray:
    return np.array([np.linalg.norm(value) for value in model.unflatten(flat).values()])


def norm_history(run: TrainingRun) -> NormHistory:
    """The gradient norm of every named parameter and layer at each epoch of ``run``, ending
    with the final state (whose gradient the next update would use).

    Uses the run's per-epoch norms when they cover every epoch run, else its snapshots.
    """
    names = tuple(run.model.named_parameters())
    final = _parameter_norms(run.model, run.final.gradients)
    recorded = run.gradient_norms
    per_epoch = recorded is not None and len(recorded) == len(run.errors) > 0
    if per_epoch:
        epochs = np.arange(len(recorded))
        norms = np.asarray(recorded, dtype=np.float64)
    else:
        shots = [s for s in run.snapshots if s.epoch != run.final.epoch]
        epochs = np.array([s.epoch for s in shots], dtype=np.int64)
        norms = np.array([_parameter_norms(run.model, s.gradients) for s in shots])
    epochs = np.append(epochs, run.final.epoch)
    norms = np.vstack([norms.reshape(-1, len(names)), final])
    layers, per_layer = layer_norms(names, norms)
    return NormHistory(epochs, names, norms, tuple(layers), per_layer, per_epoch)


def plateau_epochs(errors: list[float]) -> int:
    """How many epochs from the start the error stayed within ``PLATEAU`` of ln 2."""
    for epoch, error in enumerate(errors):
        if not abs(error - LN2) < PLATEAU:
            return epoch
    return len(errors)


def _sci(value: float) -> str:
    return f"{value:.1e}" if value and (abs(value) < 1e-3 or abs(value) >= 1e4) else f"{value:.4f}"


def stall_note(run: TrainingRun, history: NormHistory) -> str:
    """The gradient's side of the run's story, in words, from its own numbers.

    A run stuck at ln 2 (``cnndemo.diagnose``'s "stuck") has near-zero kernel gradients; a run
    that sat on the ln 2 plateau for a while before learning had small ones there.
    """
    kernel = "conv1.kernel"
    norms = history.column(kernel)
    if not (np.all(np.isfinite(norms)) and np.all(np.isfinite(run.errors))):
        return ""  # a diverged run: the training panel says why
    what = "layer 1's conv kernel" if "conv2.kernel" in history.parameters else "the conv kernel"
    epochs = history.epochs
    last = float(norms[-1])
    lr = float(run.hyperparameters.get("learning_rate", 1.0))
    findings = diagnose(
        run.errors, run.final.probabilities, run.data.targets, run.final.example_vectors,
        run.data.names, run.hyperparameters,
    )  # fmt: skip
    if any(f.kind == "stuck" for f in findings):
        shares = [np.linalg.norm(share[kernel]) for share in example_shares(run, run.final)]
        cancel = (
            f" Yet each example's own share is {_sci(min(shares))} to {_sci(max(shares))}: "
            "the shares pull in opposite directions and **cancel**, because every example "
            "reaches the dense layer with almost the same vector while the labels differ."
            if max(shares) > 100 * last
            else ""
        )
        return (
            f"**Stuck at ln 2.** The error is {run.final.error:.4f} at epoch {run.final.epoch} "
            f"and the gradient norm of {what} there is only **{_sci(last)}** (at epoch 0 it "
            f"was {_sci(float(norms[0]))}). Each update moves a weight by about the learning "
            f"rate times its gradient, {lr:g} × {_sci(last)}: the kernel no longer changes."
            + cancel
        )
    flat = plateau_epochs(run.errors) if run.errors else 0
    if flat >= 2 and flat < len(run.errors):
        during = norms[epochs < flat]
        after = norms[epochs >= flat]
        return (
            f"**A ln 2 plateau, then learning.** For the first {flat} epochs the error stayed "
            f"within {PLATEAU:g} of ln 2 = {LN2:.4f}; the gradient norm of {what} there was "
            f"at most {_sci(float(during.max()))}, against up to {_sci(float(after.max()))} "
            "once the error fell. Small gradients mean small steps: the plateau lasts until "
            "the weights have grown enough for the examples to look different."
        )
    if len(norms) < 2:
        return ""
    peak = int(np.argmax(norms))
    return (
        f"The gradient norm of {what} peaked at epoch {int(epochs[peak])} "
        f"({_sci(float(norms[peak]))}) and is {_sci(last)} at epoch {int(epochs[-1])}, where "
        f"the error is {run.final.error:.4f}: near a minimum the error is flat, so the "
        "gradient, its slope, shrinks and the updates with it."
    )
