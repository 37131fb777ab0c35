"""Adam over a dict of arrays, and gradient-norm clipping: the two pieces of the update step."""

from __future__ import annotations

import math

import numpy as np

from .kernels import adam_update


class Adam:
    """Adam (Kingma & Ba, 2015) updating ``params`` (a dict of float arrays) in place.

    The update is PyTorch's ``torch.optim.Adam`` (no weight decay, no amsgrad), element by element:
        m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   θ ← θ − lr · m̂ / (√v̂ + ε)
    """

    def __init__(self, params: dict[str, np.ndarray], lr: float = 1e-2, betas=(0.9, 0.999), eps: float = 1e-8):
        for name, value in (("lr", lr), ("eps", eps)):
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"Adam's {name} must be a finite number > 0, got {value!r}.")
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"Adam's betas must be two numbers in [0, 1), got {betas!r}.")
        for name, array in params.items():
            if not (isinstance(array, np.ndarray) and array.dtype.kind == "f" and array.flags.c_contiguous):
                raise ValueError(f"Adam updates float arrays in place; {name!r} is not a C-contiguous float array.")
            if not array.flags.writeable:
                raise ValueError(f"Adam updates arrays in place, but {name!r} is read-only (pass a copy).")
        self.params = params
        self.lr, self.beta1, self.beta2, self.eps = float(lr), float(betas[0]), float(betas[1]), float(eps)
        self.m = {name: np.zeros_like(a) for name, a in params.items()}
        self.v = {name: np.zeros_like(a) for name, a in params.items()}
        self.steps = 0
        # flat views of the same memory, made once: the fused kernel takes one tuple of each
        self._flat_params = tuple(a.reshape(-1) for a in params.values())
        self._flat_m = tuple(a.reshape(-1) for a in self.m.values())
        self._flat_v = tuple(a.reshape(-1) for a in self.v.values())

    def step(self, grads: dict[str, np.ndarray], scale: float = 1.0) -> None:
        """Apply one update from ``scale · grads`` (same names and shapes as the params); ``scale`` is
        the clipping factor of :func:`clip_factor`, applied inside the update instead of in a pass of its own."""
        if grads.keys() != self.params.keys():
            raise ValueError(f"gradients for {sorted(grads)} do not match the parameters {sorted(self.params)}.")
        flat_grads = []
        for name, param in self.params.items():
            grad = grads[name]
            if grad.shape != param.shape:
                raise ValueError(f"the gradient of {name!r} has shape {grad.shape}, the parameter {param.shape}.")
            if grad.dtype != param.dtype or not (grad.flags.c_contiguous and grad.flags.writeable):
                grad = np.array(grad, dtype=param.dtype, order="C")  # one array type: one compiled kernel
            flat_grads.append(grad.reshape(-1))
        self.steps += 1
        adam_update(self._flat_params, tuple(flat_grads), self._flat_m, self._flat_v, float(scale),
                    self.lr, self.beta1, self.beta2, self.eps, self.steps)  # fmt: skip


def global_norm(grads: dict[str, np.ndarray]) -> float:
    """‖g‖₂ over all arrays together: √(Σ_arrays Σ_elements g²)."""
    return math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))


def clip_factor(norm: float, max_norm: float | None) -> float:
    """The factor clipping multiplies every gradient by: max_norm / (‖g‖ + 1e-6) when that is < 1, else 1."""
    if max_norm is None:
        return 1.0
    factor = max_norm / (norm + 1e-6)
    return factor if factor < 1.0 else 1.0


def clip_grad_norm(grads: dict[str, np.ndarray], max_norm: float) -> float:
    """Scale all of ``grads`` in place so their global norm is at most ``max_norm``; return the norm before.

    Same rule as ``torch.nn.utils.clip_grad_norm_``: g ← g · max_norm / (‖g‖ + 1e-6) when that factor is < 1.
    """
    norm = global_norm(grads)
    factor = clip_factor(norm, max_norm)
    if factor < 1.0:
        for g in grads.values():
            g *= factor
    return norm
