"""The training objective: recurrent net → linear readout on the scored steps → loss, and its gradient.

    ŷ_{t,b} = head_weight h_{t,b} + head_bias          head_weight: (O, H), head_bias: (O,)
    regression:      L = Σ m Σ_o (ŷ_o − y_o)² / (O Σ m)        (mean squared error)
    classification:  L = −Σ m log softmax(ŷ)_y / Σ m            (cross-entropy)
with the task's mask m (B, T). Gradients flow back through the head and then through time (BPTT).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import HEAD_NAMES
from .kernels import mse_readout, softmax_readout
from .recurrent import model_of, writeable_arrays

EVAL_CHUNK = 256  # sequences per forward pass in evaluate/predict: bounds memory at long T
HEAD_INIT_STREAM = 7  # the head's random stream, distinct from the recurrent weights' (seeded by ``seed`` alone)


@dataclass(frozen=True)
class TimeMajorBatch:
    """A task batch in the kernels' layout: x (T, B, D); y (T, B, O) floats or (T, B) int64 labels; mask (T, B)."""

    x: np.ndarray
    y: np.ndarray
    mask: np.ndarray
    kind: str

    @classmethod
    def from_batch(cls, batch, dtype=np.float64, rows: slice = slice(None)) -> TimeMajorBatch:
        """Transpose (some ``rows`` of) a ``TaskBatch`` (B, T, ·) to time-major contiguous arrays of ``dtype``."""
        mask = np.ascontiguousarray(np.asarray(batch.mask[rows], dtype=dtype).T)
        if not mask.any():
            raise ValueError("the batch's mask scores no step, so there is no loss to compute.")
        x = np.ascontiguousarray(np.asarray(batch.x[rows], dtype=dtype).transpose(1, 0, 2))
        if batch.kind == "classification":
            y = np.ascontiguousarray(np.asarray(batch.y[rows], dtype=np.int64).T)
        else:
            y = np.ascontiguousarray(np.asarray(batch.y[rows], dtype=dtype).transpose(1, 0, 2))
        return cls(x=x, y=y, mask=mask, kind=batch.kind)


@dataclass(frozen=True)
class Evaluation:
    """How a trained net does on a batch: ``loss`` (MSE or cross-entropy), ``mse`` (regression only),
    ``accuracy`` (classification only, share of scored steps answered right), ``scored`` (steps)."""

    loss: float
    mse: float | None
    accuracy: float | None
    scored: int


def init_head(hidden_size: int, output_size: int, seed: int, dtype=np.float64) -> dict[str, np.ndarray]:
    """PyTorch ``nn.Linear``'s default init, seeded: head_weight, head_bias ~ U(−1/√H, 1/√H)."""
    rng = np.random.default_rng([seed, HEAD_INIT_STREAM])
    bound = 1.0 / np.sqrt(hidden_size)
    return {
        "head_weight": rng.uniform(-bound, bound, size=(output_size, hidden_size)).astype(dtype),
        "head_bias": rng.uniform(-bound, bound, size=output_size).astype(dtype),
    }


def readout_loss(h: np.ndarray, batch: TimeMajorBatch, head: dict):
    """Loss, accuracy (None for regression), ∂L/∂h (T, B, H) and the head's gradients."""
    weight, bias = head["head_weight"], head["head_bias"]
    if batch.kind == "classification":
        if batch.y.min() < 0 or batch.y.max() >= weight.shape[0]:  # the kernel indexes without bounds checks
            raise ValueError(f"class labels must lie in [0, {weight.shape[0]}), the head's outputs.")
        loss, accuracy, dh, d_weight, d_bias = softmax_readout(h, batch.y, batch.mask, weight, bias)
        accuracy = float(accuracy)
    else:
        loss, dh, d_weight, d_bias = mse_readout(h, batch.y, batch.mask, weight, bias)
        accuracy = None
    return float(loss), accuracy, dh, {"head_weight": d_weight, "head_bias": d_bias}


def loss_and_grads(model, weights: dict, batch: TimeMajorBatch):
    """One forward and backward pass: L, accuracy, and ∂L/∂ every array of ``weights`` (recurrent + head)."""
    h, cache = model.forward(weights, batch.x)
    loss, accuracy, dh, head_grads = readout_loss(h, batch, weights)
    grads = model.backward(weights, batch.x, cache, dh)
    grads.update(head_grads)
    return loss, accuracy, grads


def evaluate(params, head: dict, batch) -> Evaluation:
    """Loss, MSE or accuracy of ``params`` (LSTMParams/RNNParams) with ``head`` on a ``TaskBatch``."""
    model, weights = _checked(params, head)
    dtype = params.dtype
    total = loss_sum = correct_sum = 0.0
    for start in range(0, batch.x.shape[0], EVAL_CHUNK):
        rows = slice(start, start + EVAL_CHUNK)
        if not np.any(batch.mask[rows]):
            continue
        chunk = TimeMajorBatch.from_batch(batch, dtype, rows)
        h, _ = model.forward(weights, chunk.x)
        loss, accuracy, _, _ = readout_loss(h, chunk, weights)
        scored = float(chunk.mask.sum())
        total += scored
        loss_sum += loss * scored
        correct_sum += (accuracy or 0.0) * scored
    if total == 0:
        raise ValueError("the batch's mask scores no step, so there is nothing to evaluate.")
    loss = loss_sum / total
    if batch.kind == "classification":
        return Evaluation(loss=loss, mse=None, accuracy=correct_sum / total, scored=int(total))
    return Evaluation(loss=loss, mse=loss, accuracy=None, scored=int(total))


def predict(params, head: dict, x) -> np.ndarray:
    """The readout at every step: x (B, T, D) -> ŷ (B, T, O) (logits for a classification task)."""
    model, weights = _checked(params, head)
    x = np.asarray(x, dtype=params.dtype)
    if x.ndim != 3 or x.shape[2] != params.input_size:
        raise ValueError(f"x must have shape (B, T, {params.input_size}), got {x.shape}.")
    outputs = np.empty((*x.shape[:2], head["head_weight"].shape[0]), dtype=params.dtype)
    for start in range(0, x.shape[0], EVAL_CHUNK):
        h, _ = model.forward(weights, np.ascontiguousarray(x[start : start + EVAL_CHUNK].transpose(1, 0, 2)))
        y_hat = h @ weights["head_weight"].T + weights["head_bias"]  # (T, B, O), every step at once
        outputs[start : start + EVAL_CHUNK] = y_hat.transpose(1, 0, 2)
    return outputs


def _checked(params, head: dict):
    model = model_of(params)
    if set(head) != set(HEAD_NAMES):
        raise ValueError(f"the head must hold {', '.join(HEAD_NAMES)}, got {', '.join(sorted(head)) or 'nothing'}.")
    weight = np.array(head["head_weight"], dtype=params.dtype)  # writeable copies: one kernel build, not two
    bias = np.array(head["head_bias"], dtype=params.dtype)
    if weight.ndim != 2 or weight.shape[1] != params.hidden_size or bias.shape != (weight.shape[0],):
        raise ValueError(
            f"head_weight must be (O, {params.hidden_size}) and head_bias (O,); got {weight.shape} and {bias.shape}."
        )
    return model, {**writeable_arrays(params), "head_weight": weight, "head_bias": bias}
