"""What the training panel explains about a run of sections 3-8, and what a remedy sets.

The engine recognises the states a run ends in from its own numbers (``cnndemo.diagnose``). The
panel shows those any page can reach, so that a run is never left unexplained: the error
became NaN or infinite (``"diverged"``), it bounces instead of settling (``"rising"``), or
nothing moved from the start (``"stuck"``). The other findings belong to a lesson and are told
by the page that teaches it (sentences the dense layer cannot tell apart: section 3's "Which
bigram decided?"; the blank image: sections 5 and 8); the panel names them too, as
information below its own findings (``lesson_findings``): examples the dense layer cannot tell
apart, the blank image called a line, examples left undecided at 0.5000.

A remedy is a dict of settings by hyper-parameter name; the panel applies it through the page's
control declarations (``app.core.hyperparameters``), and :func:`setting_words` says what it set
in the controls' own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from app.core.controls import Controls
from app.core.image_analysis import display_name
from app.core.training_jobs import TrainingRun
from cnndemo.data import ImageData
from cnndemo.diagnose import Finding, diagnose

PANEL_KINDS = ("diverged", "rising", "stuck")
"""Findings the training panel shows, most serious first."""

LESSON_KINDS = ("identical", "blank_image", "undecided")
"""Findings about what a trained model cannot tell apart or has not decided: not a failure of
training but a limit of the model (or of this seed). The panel shows them as information below
its own, with their remedies; the page's lesson parts tell why in depth."""

POOLED_IMAGE_SECTIONS = (5, 8)
"""Image models whose pooling covers the whole feature map (the blank-image finding)."""


def _diagnosis(run: TrainingRun) -> list[Finding]:
    """Every finding of ``run`` (memoised on it), the conv kernel's gradient quoted if stuck."""

    def found() -> list[Finding]:
        images = isinstance(run.data, ImageData)
        return diagnose(
            run.errors,
            run.final.probabilities,
            run.data.targets,
            run.final.example_vectors,
            # Images by their rows with blank pixels as "·": spaces would vanish in prose.
            [display_name(n) for n in run.data.names] if images else run.data.names,
            run.hyperparameters,
            pooled_images=run.section in POOLED_IMAGE_SECTIONS,
            conv_gradient_norm=_kernel_gradient_norm(run),
        )

    return run.memo("diagnosis", found)


def panel_findings(run: TrainingRun) -> list[Finding]:
    """The findings of ``run`` the training panel explains (memoised on the run)."""
    return run.memo("findings", lambda: [f for f in _diagnosis(run) if f.kind in PANEL_KINDS])


def lesson_findings(run: TrainingRun) -> list[Finding]:
    """What the model of ``run`` cannot tell apart or has not decided (``LESSON_KINDS``)."""
    order = {kind: i for i, kind in enumerate(LESSON_KINDS)}
    found = [f for f in _diagnosis(run) if f.kind in order]
    return sorted(found, key=lambda f: order[f.kind])


def _kernel_gradient_norm(run: TrainingRun) -> float | None:
    """The first conv kernel's gradient norm in the run's final state (quoted when stuck)."""
    if run.final.gradients is None:
        return None
    gradient = run.model.unflatten(run.final.gradients).get("conv1.kernel")
    return None if gradient is None else float(np.sqrt(np.sum(gradient * gradient)))


def applicable(controls: Controls, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a page's ``controls`` hold (a remedy may name one the page does not have)."""
    names = {control.name for control in controls}
    return {name: value for name, value in settings.items() if name in names}


def setting_words(controls: Controls, settings: Mapping[str, Any]) -> str:
    """``"learning rate = 1, optimiser = plain gradient descent"``: settings in the controls'
    labels (those the controls do not hold are left out)."""
    words = []
    for name, value in applicable(controls, settings).items():
        control = controls[name]
        shown = control.label_of(value) if control.kind == "choice" else f"{float(value):g}"
        words.append(f"{control.label} = {shown}")
    return ", ".join(words)
