"""Run a tutorial section end to end and report it like the tutorial's scripts.

:func:`run_section` returns plain JSON-ready data (the CLI prints it with ``--json``);
:func:`format_report` turns it into the text the reference scripts print.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnndemo import ops
from cnndemo.models import SECTION_TITLES, SPECS, model_spec
from cnndemo.train import Snapshot, train_section

__all__ = ["format_report", "reference_convolution", "run_section"]

TITLES = {1: "Convolutional layers 1D", 2: "Convolutional layers 2D", **SECTION_TITLES}


def reference_convolution(
    section: int, stride: int | tuple[int, int] = 1, padding: str = "valid"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The worked convolution of section 1 or 2: (input, kernel, output).

    Section 1: input 1..20 as (1, 4, 5), kernel 1..30 as (3, 5, 2) -> (1, 2, 2) with stride 1.
    Section 2: input 1..60 as (1, 5, 4, 3), kernel 1..24 as (4, 2, 3, 1) -> (1, 2, 3, 1).
    """
    if section == 1:
        x = np.arange(1, 21, dtype=np.float64).reshape(1, 4, 5)
        kernel = np.arange(1, 31, dtype=np.float64).reshape(3, 5, 2)
        return x, kernel, ops.conv1d(x, kernel, stride=stride, padding=padding)
    if section == 2:
        x = np.arange(1, 61, dtype=np.float64).reshape(1, 5, 4, 3)
        kernel = np.arange(1, 25, dtype=np.float64).reshape(4, 2, 3, 1)
        return x, kernel, ops.conv2d(x, kernel, stride=stride, padding=padding)
    raise ValueError(f"the worked convolutions are sections 1 and 2; got {section!r}")


def _plain(array: np.ndarray) -> Any:
    """Nested lists, with integral floats shown as ints (2360, not 2360.0)."""
    if np.all(array == np.round(array)):
        return array.astype(np.int64).tolist()
    return array.tolist()


def run_section(
    n: int,
    *,
    seed: int = 0,
    epochs: int | None = None,
    learning_rate: float | None = None,
    momentum: float | None = None,
    pool: str | None = None,
    every: int | None = None,
    callback: Callable[[Snapshot], bool | None] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Run section ``n`` of the tutorial with its reference setup (or the given overrides).

    Parameters
    ----------
    n : int
        1-8. Sections 1 and 2 compute the worked convolution (``options`` may set ``stride``
        and ``padding``); sections 3-8 train their model.
    seed, epochs, learning_rate, momentum, pool :
        Training overrides (None keeps the reference value); ``pool`` only for sections 3, 5
        and 8. Passing a training option to section 1 or 2 is an error.
    every, callback :
        Snapshots during training, as :func:`cnndemo.train.train`.
    **options
        Sections 1-2: ``stride``, ``padding``. Sections 3-8: any other hyper-parameter of
        :func:`cnndemo.models.default_hyperparameters` (``activation``, ``optimizer``, ...).

    Returns
    -------
    dict
        JSON-ready. Always ``section`` and ``title``. Sections 1-2: ``input``, ``kernel``,
        ``output`` (nested lists), ``output_shape``, ``stride``, ``padding``. Sections 3-8:
        ``hyperparameters``; ``errors`` (one per epoch, before each update); ``final_error``
        (after the last update); ``predictions`` (data order, each ``{"input", "target",
        "probability"}``, input being the sentence or the image rows joined with "/");
        ``learned_all``; for text ``bigram_vectors`` ({"i like": [a, b], ...}, post-activation
        conv output of each distinct window), ``sentence_vectors`` ({sentence: dense-layer
        input}) and ``embeddings`` ({token: vector}); for images ``region_vectors``
        ({"1100": [a, b], ...}) and ``image_vectors`` ({rows: dense-layer input}).
    """
    if n in (1, 2):
        training = {
            "seed": seed if seed != 0 else None,
            "epochs": epochs,
            "learning_rate": learning_rate,
            "momentum": momentum,
            "pool": pool,
            "every": every,
            "callback": callback,
        }
        given = sorted(k for k, v in training.items() if v is not None)
        unknown = sorted(set(options) - {"stride", "padding"})
        if given or unknown:
            raise ValueError(
                f"section {n} computes a fixed convolution and takes only stride and padding; "
                f"got {given + unknown}"
            )
        x, kernel, out = reference_convolution(n, **options)
        return {
            "section": n,
            "title": TITLES[n],
            "input": _plain(x),
            "kernel": _plain(kernel),
            "stride": options.get("stride", 1),
            "padding": options.get("padding", "valid"),
            "output_shape": list(out.shape),
            "output": _plain(out),
        }
    if n not in TITLES:
        raise ValueError(f"sections are numbered 1 to 8; got {n!r}")
    if pool is not None and "pool" not in model_spec(n).layer_hyperparameters:
        pooled = [str(s) for s, spec in SPECS.items() if "pool" in spec.layer_hyperparameters]
        raise ValueError(
            f"section {n} has no pooling layer; pool applies to sections {', '.join(pooled)}"
        )
    result = train_section(
        n,
        seed=seed,
        epochs=epochs,
        learning_rate=learning_rate,
        momentum=momentum,
        pool=pool,
        every=every,
        callback=callback,
        **options,
    )
    final, model = result.final, result.model
    report: dict[str, Any] = {
        "section": n,
        "title": TITLES[n],
        "hyperparameters": model.hyperparameters,
        "errors": result.errors,
        "final_error": final.error,
        "predictions": result.predictions(),
        "learned_all": result.learned_all(),
    }
    windows = {label: v.tolist() for label, v in final.window_vectors.items()}
    examples = dict(zip(result.data.names, final.example_vectors.tolist(), strict=True))
    if model.spec.input_kind == "text":
        report["bigram_vectors"] = windows
        report["sentence_vectors"] = examples
        embedding = model.layer("embedding").params["weights"]
        report["embeddings"] = dict(zip(model.vocabulary, embedding.tolist(), strict=True))
    else:
        report["region_vectors"] = windows
        report["image_vectors"] = examples
    return report


EPOCH_RULE = (
    "Errors are printed as the tutorial's scripts print them: the line 'epoch E' (E = 100, "
    "200, ...) shows the error measured in the E-th training step, before that step's update, "
    "so after E - 1 updates; the untrained model's error (epoch 0 in the app's charts) is the "
    "first step's. --json keeps every step's error in 'errors' (errors[E - 1] is epoch E's)."
)


def _vector(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.4f}" for v in values) + "]"


def format_report(report: dict[str, Any], every: int = 100) -> str:
    """The text the tutorial's scripts print for a :func:`run_section` result.

    Error every ``every`` epochs, labelled as the scripts label it (:data:`EPOCH_RULE`), then
    the learned vectors, then each example with its probability.
    """
    lines = [f"Section {report['section']}: {report['title']}"]
    if "output" in report:
        lines += [
            f"input shape {list(np.shape(report['input']))}, "
            f"kernel shape {list(np.shape(report['kernel']))}, stride {report['stride']}, "
            f"{str(report['padding']).upper()} padding",
            f"output shape {report['output_shape']}:",
            str(report["output"]),
        ]
        return "\n".join(lines)
    errors = report["errors"]
    for epoch in range(every, len(errors) + 1, every):
        lines.append(f"epoch {epoch:5d}  error {errors[epoch - 1]:.6f}")
    lines.append(f"final error {report['final_error']:.6f}")
    text = model_spec(report["section"]).input_kind == "text"
    groups = (
        [("embeddings", "Word embeddings"), ("bigram_vectors", "Bigram vectors")]
        if text
        else [("region_vectors", "2x2 region vectors (pixels row by row)")]
    )
    groups.append(
        ("sentence_vectors", "Sentence vectors (dense layer input)")
        if text
        else ("image_vectors", "Image vectors (dense layer input)")
    )
    for key, heading in groups:
        lines.append(f"{heading}:")
        width = max(len(label) for label in report[key]) + 2
        for label, values in report[key].items():
            shown = f"'{label}'" if not text else label
            lines.append(f"  {shown:<{width}} {_vector(values)}")
    lines.append("Predictions (target, probability of 1):")
    for p in report["predictions"]:
        shown = p["input"] if text else f"'{p['input']}'"
        mark = "" if (p["probability"] > 0.5) == (p["target"] == 1) else "   <- wrong"
        lines.append(f"  {shown:<18} {p['target']}  {p['probability']:.4f}{mark}")
    return "\n".join(lines)
