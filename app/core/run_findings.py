"""What the training panel explains about a run of sections 3-8, and what a remedy sets.

The engine recognises the states a run ends in from its own numbers (``cnndemo.diagnose``). The
panel shows those any page can reach, so that a run is never left unexplained: the error
became NaN or infinite (``"diverged"``), it bounces instead of settling (``"rising"``), or
nothing moved from the start (``"stuck"``). The other findings belong to a lesson and are told
by the page that teaches it (sentences the dense layer cannot tell apart: section 3's "Which
bigram decided?"; the blank image: sections 5 and 8).

A remedy is a dict of settings by hyper-parameter name; the panel applies it through the page's
control declarations (``app.core.hyperparameters``), and :func:`setting_words` says what it set
in the controls' own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from app.core.controls import Controls
from app.core.training_jobs import TrainingRun
from cnndemo.diagnose import Finding, diagnose

PANEL_KINDS = ("diverged", "rising", "stuck")
"""Findings the training panel shows, most serious first."""

POOLED_IMAGE_SECTIONS = (5, 8)
"""Image models whose pooling covers the whole feature map (the blank-image finding)."""


def panel_findings(run: TrainingRun) -> list[Finding]:
    """The findings of ``run`` the training panel explains (memoised on the run)."""

    def found() -> list[Finding]:
        every = diagnose(
            run.errors,
            run.final.probabilities,
            run.data.targets,
            run.final.example_vectors,
            run.data.names,
            run.hyperparameters,
            pooled_images=run.section in POOLED_IMAGE_SECTIONS,
            conv_gradient_norm=_kernel_gradient_norm(run),
        )
        return [finding for finding in every if finding.kind in PANEL_KINDS]

    return run.memo("findings", found)


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
