"""PyTorch replicas of the six tutorial models (sections 3-8), the independent reference.

Used by ``bench_training.py`` (speed) and ``seed_outcomes.py`` (what the models learn over
seeds), and by an optional test that trains both engines from the same initial weights. The
replica follows docs/lesson.md directly in PyTorch idioms (NCHW inside, channels-last at the
boundary) and shares no code with cnndemo beyond the datasets.

torch is optional: importing this module without it raises ImportError.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from cnndemo import data as cnn_data


def dataset(section: int, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and targets of a section: token ids (4, 4) or images (16, 1, 3, 3) NCHW."""
    if section in (3, 4):
        text = cnn_data.text_data()
        return torch.tensor(text.inputs), torch.tensor(text.targets, dtype=dtype)
    images = cnn_data.image_data()
    x = torch.tensor(images.inputs, dtype=dtype).permute(0, 3, 1, 2).contiguous()
    return x, torch.tensor(images.targets, dtype=dtype)


class Replica(nn.Module):
    """One section's network: sigmoid activations, one output logit."""

    def __init__(self, section: int, pool: str = "max", vocab: int = 6) -> None:
        super().__init__()
        self.section, self.pool = section, pool
        if section in (3, 4):
            self.embedding = nn.Embedding(vocab, 2)
            self.conv1 = nn.Conv1d(2, 2, 2)
            features = 2 if section == 3 else 6
        else:
            self.conv1 = nn.Conv2d(1, 2, 2)
            features = 8 if section == 6 else 2
        if section == 7:
            self.conv2 = nn.Conv2d(2, 2, 2)
        self.dense = nn.Linear(features, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.section in (3, 4):
            x = self.embedding(x).transpose(1, 2)  # (n, embedding, length)
        h = torch.sigmoid(self.conv1(x))
        if self.section == 7:
            h = torch.sigmoid(self.conv2(h))
        if self.section in (3, 5):
            dims = tuple(range(2, h.dim()))
            if self.pool == "max":
                h = h.amax(dim=dims)  # amax splits ties evenly, like tf.reduce_max
            elif self.pool == "min":
                h = h.amin(dim=dims)
            else:
                h = h.mean(dim=dims)
        elif self.section == 8:
            h = nn.functional.max_pool2d(h, 2, 2).flatten(1)
        else:
            # Flatten channels-last, as TensorFlow (and cnndemo) do.
            h = h.permute(0, *range(2, h.dim()), 1).flatten(1)
        return self.dense(h).squeeze(1)


def build(
    section: int, seed: int, std: float = 0.01, dtype: torch.dtype = torch.float32
) -> Replica:
    """Replica with weights ~ N(0, std) from torch's own generator, biases zero."""
    torch.manual_seed(seed)
    model = Replica(section).to(dtype)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.zero_()
            else:
                p.normal_(0.0, std)
    return model


def load_from_cnndemo(replica: Replica, named: dict[str, np.ndarray]) -> None:
    """Copy cnndemo weights (channels-last) into the replica, for same-start comparisons."""
    dtype = next(replica.parameters()).dtype
    with torch.no_grad():
        for name, value in named.items():
            layer, kind = name.split(".")
            module = getattr(replica, layer)
            if layer == "embedding":
                module.weight.copy_(torch.tensor(value, dtype=dtype))
            elif kind == "bias":
                module.bias.copy_(torch.tensor(value, dtype=dtype))
            elif layer == "dense":
                module.weight.copy_(torch.tensor(value.T, dtype=dtype))
            elif value.ndim == 3:  # (k_w, in, out) -> (out, in, k_w)
                module.weight.copy_(torch.tensor(value.transpose(2, 1, 0), dtype=dtype))
            else:  # (k_h, k_w, in, out) -> (out, in, k_h, k_w)
                module.weight.copy_(torch.tensor(value.transpose(3, 2, 0, 1), dtype=dtype))


def train(
    model: Replica,
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int,
    lr: float = 1.0,
    momentum: float = 0.9,
) -> list[float]:
    """Full-batch training; returns the loss before each step (as the tutorial records it).

    torch.optim.SGD with momentum and no dampening is TensorFlow's momentum rule.
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loss_fn = nn.BCEWithLogitsLoss()
    errors = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        errors.append(loss.item())
    return errors


def probabilities(model: Replica, x: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return torch.sigmoid(model(x)).double().numpy()
