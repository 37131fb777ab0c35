"""Weights of the two models, in PyTorch's layout so a trained ``nn.LSTM``/``nn.RNN`` drops in.

LSTM (``nn.LSTM``, one layer, gate order i, f, g, o stacked along the first axis):
    weight_ih: (4H, D)   weight_hh: (4H, H)   bias_ih: (4H,)   bias_hh: (4H,)
Vanilla RNN (``nn.RNN``, tanh):
    weight_ih: (H, D)    weight_hh: (H, H)    bias_ih: (H,)    bias_hh: (H,)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from .npz import read_npz
from .validate import FLOAT_DTYPES, as_float_array, check_shape

PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
HEAD_NAMES = ("head_weight", "head_bias")


@dataclass(frozen=True, eq=False)
class _RecurrentParams:
    """Shared behaviour of :class:`LSTMParams` and :class:`RNNParams`; ``gates`` is 4 or 1."""

    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias_ih: np.ndarray
    bias_hh: np.ndarray

    gates: ClassVar[int]
    kind: ClassVar[str]
    label: ClassVar[str]

    def __post_init__(self):
        raw = [np.asarray(getattr(self, n)) for n in PARAM_NAMES]
        floats = [a.dtype for a in raw if a.dtype in FLOAT_DTYPES]
        # One dtype for all four: the floats' common type (integers join it), float64 when none is float.
        dtype = np.result_type(*floats) if floats else np.dtype(np.float64)
        for name in PARAM_NAMES:
            # A private read-only copy: params are values, safe to cache and share between sessions.
            arr = as_float_array(getattr(self, name), name, dtype)
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)
        w_ih = self.weight_ih
        if w_ih.ndim != 2 or w_ih.shape[0] == 0 or w_ih.shape[0] % self.gates or w_ih.shape[1] == 0:
            rows = "4H" if self.gates == 4 else "H"
            raise ValueError(
                f"weight_ih must have shape ({rows}, D) with H, D >= 1 for a {self.label}, "
                f"but it has shape {w_ih.shape}."
            )
        hidden, rows = self.hidden_size, self.gates * self.hidden_size
        spell = "4H" if self.gates == 4 else "H"
        check_shape(self.weight_hh, (rows, hidden), "weight_hh", f"({spell}, H) with H = {hidden}")
        check_shape(self.bias_ih, (rows,), "bias_ih", f"({spell},)")
        check_shape(self.bias_hh, (rows,), "bias_hh", f"({spell},)")

    @property
    def hidden_size(self) -> int:
        return self.weight_ih.shape[0] // self.gates

    @property
    def input_size(self) -> int:
        return self.weight_ih.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self.weight_ih.dtype

    @property
    def bias(self) -> np.ndarray:
        """The effective bias ``bias_ih + bias_hh`` (the two are always summed)."""
        return self.bias_ih + self.bias_hh

    def arrays(self) -> dict[str, np.ndarray]:
        return {n: getattr(self, n) for n in PARAM_NAMES}

    def astype(self, dtype):
        return type(self)(**{n: a.astype(dtype) for n, a in self.arrays().items()})

    def copy(self):
        return type(self)(**{n: a.copy() for n, a in self.arrays().items()})

    def replace(self, **arrays):
        """A copy with some arrays replaced (validated again)."""
        return type(self)(**{**self.arrays(), **arrays})

    @classmethod
    def _uniform(cls, input_size: int, hidden_size: int, seed: int, recurrent_scale: float) -> dict:
        """PyTorch's default init: every tensor ~ U(-1/sqrt(H), 1/sqrt(H)); ``weight_hh`` scaled."""
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
            if int(value) != value or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}.")
        if not np.isfinite(recurrent_scale):
            raise ValueError(f"recurrent_scale must be a finite number, got {recurrent_scale!r}.")
        rng = np.random.default_rng(seed)
        k = 1.0 / np.sqrt(hidden_size)
        rows = cls.gates * int(hidden_size)
        shapes = {
            "weight_ih": (rows, int(input_size)),
            "weight_hh": (rows, int(hidden_size)),
            "bias_ih": (rows,),
            "bias_hh": (rows,),
        }
        arrays = {n: rng.uniform(-k, k, size=s) for n, s in shapes.items()}
        arrays["weight_hh"] *= recurrent_scale
        return arrays

    def save(self, path, **extra: np.ndarray) -> Path:
        """Write the four arrays (and ``extra`` ones such as a readout head) to ``path`` as ``.npz``."""
        path = Path(path)
        unknown = set(extra) - set(HEAD_NAMES)
        if unknown:
            raise ValueError(
                f"only {', '.join(HEAD_NAMES)} can be saved beside the weights, not {', '.join(sorted(unknown))}."
            )
        with open(path, "wb") as fh:
            np.savez(fh, kind=np.array(self.kind), **self.arrays(), **{k: np.asarray(v) for k, v in extra.items()})
        return path

    @classmethod
    def load(cls, source):
        """Read weights saved by :meth:`save` (a path, bytes or a file object); never unpickles."""
        return cls.load_with_head(source)[0]

    @classmethod
    def load_with_head(cls, source):
        """Like :meth:`load`, also returning ``{'head_weight': (O, H), 'head_bias': (O,)}`` when present."""
        arrays = read_npz(source, PARAM_NAMES, ("kind", *HEAD_NAMES))
        kind = arrays.pop("kind", None)
        if kind is not None:
            kind = str(kind) if kind.dtype.kind == "U" and kind.ndim == 0 else None
            if kind not in ("lstm", "rnn"):
                raise ValueError("the weights file has a damaged 'kind' entry (expected 'lstm' or 'rnn').")
            if kind != cls.kind:
                other = "LSTMParams" if kind == "lstm" else "RNNParams"
                raise ValueError(f"this file holds {kind.upper()} weights; load it with {other}.load.")
        head = {n: arrays.pop(n) for n in HEAD_NAMES if n in arrays}
        params = cls(**arrays)
        if head:
            head = _check_head(head, params.hidden_size)
        return params, head

    @classmethod
    def from_torch_state_dict(cls, state_dict, prefix: str | None = None):
        """Build params from ``nn.LSTM(...).state_dict()`` (or ``nn.RNN``), layer 0.

        Keys are found by their suffix (``weight_ih_l0`` ...), so a state dict of a bigger module
        works too; tensors are converted with ``.detach().cpu().numpy()`` without importing torch.
        """
        keys = list(state_dict.keys())
        if prefix is None:
            ends = [k[: -len("weight_ih_l0")] for k in keys if k.endswith("weight_ih_l0")]
            if len(ends) != 1:
                raise ValueError(
                    "could not find exactly one recurrent layer (a key ending in 'weight_ih_l0') in the state dict."
                )
            prefix = ends[0]
        if any(k.startswith(prefix) and k.endswith("_reverse") for k in keys):
            raise ValueError("bidirectional layers are not supported; use a unidirectional nn.LSTM/nn.RNN.")
        arrays = {}
        for name in PARAM_NAMES:
            key = f"{prefix}{name}_l0"
            if key not in state_dict:
                raise ValueError(f"the state dict has no {key!r} (was the layer created with bias=False?).")
            value = state_dict[key]
            if hasattr(value, "detach"):
                value = value.detach().cpu().numpy()
            arrays[name] = np.array(value)
        return cls(**arrays)

    def to_torch_state_dict(self):
        """The inverse of :meth:`from_torch_state_dict` (needs torch)."""
        import torch

        return {f"{n}_l0": torch.from_numpy(a.copy()) for n, a in self.arrays().items()}


def _check_head(head: dict, hidden_size: int) -> dict:
    if set(head) != set(HEAD_NAMES):
        raise ValueError("a readout head needs both head_weight (O, H) and head_bias (O,).")
    weight = as_float_array(head["head_weight"], "head_weight")
    bias = as_float_array(head["head_bias"], "head_bias", weight.dtype)
    if weight.ndim != 2 or weight.shape[1] != hidden_size or weight.shape[0] == 0:
        raise ValueError(f"head_weight must have shape (O, {hidden_size}), but it has shape {weight.shape}.")
    check_shape(bias, (weight.shape[0],), "head_bias", "(O,)")
    return {"head_weight": weight, "head_bias": bias}


@dataclass(frozen=True, eq=False)
class LSTMParams(_RecurrentParams):
    """LSTM weights, PyTorch ``nn.LSTM`` layout, gate order (i, f, g, o)."""

    gates: ClassVar[int] = 4
    kind: ClassVar[str] = "lstm"
    label: ClassVar[str] = "LSTM"

    @classmethod
    def init(
        cls, input_size: int, hidden_size: int, seed: int = 0, recurrent_scale: float = 1.0, forget_bias: float = 0.0
    ):
        """Seeded PyTorch-default init; ``weight_hh *= recurrent_scale``; ``forget_bias`` added to b_f."""
        arrays = cls._uniform(input_size, hidden_size, seed, recurrent_scale)
        if not np.isfinite(forget_bias):
            raise ValueError(f"forget_bias must be a finite number, got {forget_bias!r}.")
        arrays["bias_ih"][hidden_size : 2 * hidden_size] += forget_bias
        return cls(**arrays)

    def gate(self, array: np.ndarray, name: str) -> np.ndarray:
        """The rows of a ``(4H, ...)`` array that belong to gate ``name`` in ``'ifgo'``."""
        k = "ifgo".index(name)
        h = self.hidden_size
        return array[k * h : (k + 1) * h]


@dataclass(frozen=True, eq=False)
class RNNParams(_RecurrentParams):
    """Vanilla (Elman) RNN weights, PyTorch ``nn.RNN`` layout, tanh nonlinearity."""

    gates: ClassVar[int] = 1
    kind: ClassVar[str] = "rnn"
    label: ClassVar[str] = "vanilla RNN"

    @classmethod
    def init(
        cls,
        input_size: int,
        hidden_size: int,
        seed: int = 0,
        recurrent_scale: float = 1.0,
        spectral_radius: float | None = None,
    ):
        """Seeded PyTorch-default init; ``weight_hh *= recurrent_scale``, or rescaled to ``spectral_radius``."""
        params = cls(**cls._uniform(input_size, hidden_size, seed, recurrent_scale))
        return params if spectral_radius is None else params.with_spectral_radius(spectral_radius)

    def spectral_radius(self) -> float:
        """max |eigenvalue| of ``weight_hh``."""
        return float(np.max(np.abs(np.linalg.eigvals(self.weight_hh))))

    def with_spectral_radius(self, rho: float):
        """A copy whose ``weight_hh`` is rescaled to spectral radius ``rho``."""
        if not np.isfinite(rho) or rho < 0:
            raise ValueError(f"spectral_radius must be a finite number >= 0, got {rho!r}.")
        current = self.spectral_radius()
        if current == 0:
            raise ValueError("weight_hh is nilpotent (spectral radius 0) and cannot be rescaled.")
        return self.replace(weight_hh=self.weight_hh * (rho / current))
