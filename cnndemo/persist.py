"""Save and load trained models as JSON or ``.npz``, to a path, a file object or bytes.

A model file holds everything needed to rebuild the model: section, hyper-parameters, input
size, vocabulary (text sections) and every weight by name (``"conv1.kernel"``, ...). Loading
rebuilds the model with :func:`cnndemo.models.build_model` and checks every weight against the
shape that model expects, so a malformed or hand-edited file fails with a message saying what
is wrong, never with a half-loaded model. No pickle anywhere: ``.npz`` files are read with
``allow_pickle=False`` and their metadata is a JSON string.

JSON layout::

    {"format": "cnndemo-model", "version": 1, "section": 3,
     "hyperparameters": {...}, "input_size": [4], "vocabulary": ["<PAD>", ...] or null,
     "weights": {"embedding.weights": [[...], ...], "conv1.kernel": [...], ...}}

``.npz`` layout: one array per weight under its name, plus ``__meta__``, a 0-d string array
holding the JSON above without ``"weights"``.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from cnndemo.models import Model, build_model
from cnndemo.safe_read import Budget, UnsafeFileError, read_json, read_npz

__all__ = ["FORMAT", "VERSION", "Budget", "ModelFileError", "dumps", "load", "loads", "save"]

FORMAT = "cnndemo-model"
VERSION = 1
_META_KEY = "__meta__"


class ModelFileError(ValueError):
    """A model file that cannot be loaded; the message says why."""


def _meta(model: Model) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "section": model.section,
        "hyperparameters": model.hyperparameters,
        "input_size": list(model.input_size),
        "vocabulary": None if model.vocabulary is None else list(model.vocabulary),
    }


def dumps(model: Model, format: str = "json") -> bytes:
    """Serialise a model.

    Parameters
    ----------
    model : Model
    format : {"json", "npz"}

    Returns
    -------
    bytes
        UTF-8 JSON text, or the bytes of an ``.npz`` (zip) archive.
    """
    if format == "json":
        doc = _meta(model)
        doc["weights"] = {k: v.tolist() for k, v in model.named_parameters().items()}
        return json.dumps(doc, indent=1).encode("utf-8")
    if format == "npz":
        buffer = io.BytesIO()
        arrays = dict(model.named_parameters())
        arrays[_META_KEY] = np.array(json.dumps(_meta(model)))
        np.savez(buffer, **arrays)
        return buffer.getvalue()
    raise ValueError(f"format must be 'json' or 'npz'; got {format!r}")


MetaCheck = Callable[[dict[str, Any]], None]
"""A caller's own check of a file's metadata, run before the model is built (may raise)."""


def _rebuild(meta: Any, weights: dict[str, Any], check: MetaCheck | None = None) -> Model:
    if not isinstance(meta, dict):
        raise ModelFileError("model file must hold a JSON object at the top level")
    if meta.get("format") != FORMAT:
        raise ModelFileError(
            f"not a cnndemo model file: 'format' is {meta.get('format')!r}, expected {FORMAT!r}"
        )
    if meta.get("version") != VERSION:
        raise ModelFileError(
            f"unsupported model file version {meta.get('version')!r}; this cnndemo reads "
            f"version {VERSION}"
        )
    for key in ("section", "hyperparameters", "input_size", "vocabulary"):
        if key not in meta:
            raise ModelFileError(f"model file lacks the {key!r} entry")
    hp = meta["hyperparameters"]
    if not isinstance(hp, dict):
        raise ModelFileError(f"'hyperparameters' must be an object; got {hp!r}")
    vocabulary = meta["vocabulary"]
    if vocabulary is not None and not (
        isinstance(vocabulary, list) and all(isinstance(t, str) for t in vocabulary)
    ):
        raise ModelFileError(f"'vocabulary' must be a list of strings or null; got {vocabulary!r}")
    size = meta["input_size"]
    if not isinstance(size, list):
        raise ModelFileError(f"'input_size' must be a list of integers; got {size!r}")
    if check is not None:
        try:
            check(meta)
        except ModelFileError:
            raise
        except ValueError as error:
            raise ModelFileError(str(error)) from error
    try:
        model = build_model(meta["section"], vocabulary=vocabulary, input_size=size, **hp)
    except (ValueError, TypeError) as error:
        raise ModelFileError(f"model file describes an invalid model: {error}") from error

    expected = model.named_parameters()
    missing = sorted(set(expected) - set(weights))
    extra = sorted(set(weights) - set(expected))
    if missing or extra:
        raise ModelFileError(
            f"weights do not match a section {model.section} model: missing {missing}, "
            f"unexpected {extra}"
        )
    for name, target in expected.items():
        try:
            value = np.asarray(weights[name], dtype=np.float64)
        except (ValueError, TypeError) as error:
            raise ModelFileError(f"weight {name!r} is not an array of numbers") from error
        if value.shape != target.shape:
            raise ModelFileError(
                f"weight {name!r} has shape {value.shape}; this model needs {target.shape}"
            )
        if not np.isfinite(value).all():
            raise ModelFileError(f"weight {name!r} holds NaN or infinite values")
        target[...] = value
    return model


def _loads_json(data: bytes, budget: Budget, check: MetaCheck | None) -> Model:
    try:
        doc = read_json(data, budget)
    except UnsafeFileError as error:
        raise ModelFileError(
            f"model file is neither an .npz archive nor valid JSON: {error}"
        ) from error
    if not isinstance(doc, dict):
        raise ModelFileError("model file must hold a JSON object at the top level")
    weights = doc.get("weights")
    if not isinstance(weights, dict):
        raise ModelFileError("model file lacks a 'weights' object")
    return _rebuild(doc, weights, check)


def _loads_npz(data: bytes, budget: Budget, check: MetaCheck | None) -> Model:
    try:
        arrays = read_npz(data, budget)
    except UnsafeFileError as error:
        raise ModelFileError(f"cannot read the .npz archive: {error}") from error
    if _META_KEY not in arrays:
        raise ModelFileError(f"the .npz archive lacks its {_META_KEY!r} entry")
    meta_array = arrays.pop(_META_KEY)
    if meta_array.ndim != 0 or meta_array.dtype.kind != "U":
        raise ModelFileError(f"{_META_KEY!r} must be a JSON string")
    meta = read_json(str(meta_array).encode("utf-8"), budget)
    return _rebuild(meta, arrays, check)


def loads(data: bytes, budget: Budget | None = None, check: MetaCheck | None = None) -> Model:
    """Rebuild a model from the bytes of a JSON or ``.npz`` model file (detected from content).

    Parameters
    ----------
    data : bytes
    budget : Budget, optional
        What reading may cost (file size, JSON depth, ``.npz`` members and inflated sizes,
        time); :class:`cnndemo.safe_read.Budget`'s defaults when not given. Everything is
        checked before anything large is allocated or inflated.
    check : callable, optional
        Called with the file's metadata (``section``, ``hyperparameters``, ``input_size``,
        ``vocabulary``, ...) once its layout is checked and before the model is built: a
        caller's own, tighter limits (the app's). A ValueError it raises becomes a
        ModelFileError with the same message.

    Raises
    ------
    ModelFileError
        (a ValueError) saying what is wrong with the file; no other exception escapes for bad
        content.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"loads takes bytes; got {type(data).__name__}")
    data = bytes(data)
    budget = Budget() if budget is None else budget
    try:
        if data[:4] == b"PK\x03\x04":  # zip signature: .npz
            return _loads_npz(data, budget, check)
        return _loads_json(data, budget, check)
    except UnsafeFileError as error:
        raise ModelFileError(str(error)) from error
    except (MemoryError, RecursionError, OverflowError) as error:
        raise ModelFileError("the file describes something too large to load") from error


def save(model: Model, target: str | os.PathLike | IO[bytes], format: str | None = None) -> None:
    """Write a model to a path or a binary file object.

    Parameters
    ----------
    model : Model
    target : path or binary file object
    format : {"json", "npz"}, optional
        Defaults to the path's extension (``.npz`` -> npz, anything else JSON); JSON for file
        objects.
    """
    if format is None:
        is_npz = isinstance(target, str | os.PathLike) and os.fspath(target).endswith(".npz")
        format = "npz" if is_npz else "json"
    data = dumps(model, format)
    if isinstance(target, str | os.PathLike):
        with open(target, "wb") as file:
            file.write(data)
    else:
        target.write(data)


def load(source: str | os.PathLike | IO[bytes] | bytes) -> Model:
    """Read a model from a path, a binary file object (e.g. an upload) or bytes.

    Raises
    ------
    ModelFileError
        (a ValueError) when the content is not a valid model file.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return loads(source)
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as file:
            return loads(file.read())
    return loads(source.read())
