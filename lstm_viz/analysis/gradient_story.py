"""The gradient story: how far back a last-step loss reaches, RNN against LSTM, on one input sequence.

For L = u · h_T (u = ones/√H) each curve is ‖∂L/∂h_t‖ against the lag T − 1 − t:
  (a) vanilla RNNs whose W_hh is rescaled to spectral radius 0.5, 0.9, 1.0, 1.1;
  (b) LSTMs with forget-gate bias 0, 1, 3, and optionally a trained model.
Every RNN curve carries the theory bound  ‖∂h_T/∂h_t‖₂ ≤ (γ · σ_max(W_hh))^(T−t),  where
γ = max tanh′ = max (1 − h²) over the trajectory: each step back multiplies by diag(1 − h²) W_hh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import GradientFlow, LSTMParams, RNNParams, gradient_flow, rnn_forward

DEFAULT_STEPS = 100
SPECTRAL_RADII = (0.5, 0.9, 1.0, 1.1)  # below, near and above the edge of stability
FORGET_BIASES = (0.0, 1.0, 3.0)  # σ(0) = 0.5, σ(1) ≈ 0.73, σ(3) ≈ 0.95: how much of c survives a step
INPUT_STREAM = 1  # inputs come from default_rng((seed, 1)), a stream apart from the weights' default_rng(seed)


@dataclass(frozen=True, eq=False)
class GradientCurve:
    """One model's gradient against the lag.

    knob: "spectral radius", "forget bias" or "trained"; knob_value: its value (None when trained).
    decay_rate: fitted ρ in ‖∂L/∂h_t‖ ≈ C·ρ^lag; cell_decay_rate: the same for ‖∂L/∂c_t‖ (LSTM).
    theory_rate: γ·σ_max(W_hh) (RNN only), with gamma = max(1 − h²) and sigma_max = ‖W_hh‖₂.
    """

    label: str
    model: str
    knob: str
    knob_value: float | None
    params: LSTMParams | RNNParams
    flow: GradientFlow
    decay_rate: float
    cell_decay_rate: float | None = None
    theory_rate: float | None = None
    gamma: float | None = None
    sigma_max: float | None = None

    @property
    def lag(self) -> np.ndarray:
        return self.flow.lag

    def theory_bound(self) -> np.ndarray | None:
        """(T,) (γ·σ_max)^lag, the RNN's ceiling on ‖∂h_T/∂h_t‖₂; None for an LSTM."""
        return None if self.theory_rate is None else self.theory_rate ** self.flow.lag.astype(float)


@dataclass(frozen=True, eq=False)
class GradientStory:
    """All curves, computed on the same ``inputs: (T, D)``."""

    inputs: np.ndarray
    curves: tuple[GradientCurve, ...]
    seed: int

    @property
    def steps(self) -> int:
        return self.inputs.shape[0]

    @property
    def rnn(self) -> tuple[GradientCurve, ...]:
        return tuple(c for c in self.curves if c.model == "rnn")

    @property
    def lstm(self) -> tuple[GradientCurve, ...]:
        return tuple(c for c in self.curves if c.model == "lstm")

    def curve(self, label: str) -> GradientCurve:
        for c in self.curves:
            if c.label == label:
                return c
        raise ValueError(f"no curve {label!r}; the curves are: {', '.join(c.label for c in self.curves)}.")


def gradient_story(T: int | None = None, hidden_size: int = 16, input_size: int | None = None, seed: int = 0,
                   inputs=None, trained: LSTMParams | RNNParams | None = None,
                   spectral_radii=SPECTRAL_RADII, forget_biases=FORGET_BIASES) -> GradientStory:  # fmt: skip
    """Gradient curves for RNNs (by spectral radius) and LSTMs (by forget bias, and ``trained``).

    The random models use the seeded PyTorch-default init (``seed``) and differ only in the knob.
    ``inputs: (T, D)`` defaults to N(0, 1) noise with T = 100 and D = input_size, or the trained
    model's D, or 1. ``trained`` is any LSTMParams (or RNNParams) reading D inputs.
    """
    inputs = story_inputs(T, input_size, seed, inputs, trained)
    features = inputs.shape[1]
    curves = []
    for rho in spectral_radii:
        curves.append(rnn_curve(RNNParams.init(features, hidden_size, seed, spectral_radius=rho), inputs, rho))
    for bias in forget_biases:
        params = LSTMParams.init(features, hidden_size, seed, forget_bias=bias)
        curves.append(lstm_curve(params, inputs, f"LSTM, forget bias {bias:g}", "forget bias", float(bias)))
    if trained is not None:
        label = f"{trained.label} (trained)"
        if isinstance(trained, RNNParams):
            curves.append(rnn_curve(trained, inputs, None, label))
        else:
            curves.append(lstm_curve(trained, inputs, label, "trained", None))
    return GradientStory(inputs=inputs, curves=tuple(curves), seed=seed)


def story_inputs(T, input_size, seed, inputs, trained) -> np.ndarray:
    """The one sequence every curve runs on, (T, D), checked against ``trained``."""
    if trained is not None and not isinstance(trained, LSTMParams | RNNParams):
        raise ValueError(f"trained must be LSTMParams or RNNParams, got {type(trained).__name__}.")
    if inputs is not None:
        inputs = np.array(inputs, dtype=np.float64)
        if inputs.ndim != 2 or inputs.shape[0] < 2 or not np.all(np.isfinite(inputs)):
            raise ValueError(f"inputs must be a finite (T, D) array with T >= 2, got shape {inputs.shape}.")
        for name, given, actual in (("T", T, inputs.shape[0]), ("input_size", input_size, inputs.shape[1])):
            if given is not None and given != actual:
                raise ValueError(f"{name}={given} disagrees with inputs of shape {inputs.shape}; give one or neither.")
    else:
        steps = DEFAULT_STEPS if T is None else T
        if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 2:
            raise ValueError(f"T must be a whole number >= 2, got {steps!r}.")
        features = input_size or (trained.input_size if trained is not None else 1)
        inputs = np.random.default_rng((seed, INPUT_STREAM)).normal(size=(int(steps), int(features)))
    if trained is not None and trained.input_size != inputs.shape[1]:
        raise ValueError(
            f"the trained {trained.label} reads D = {trained.input_size} inputs but the story's inputs have "
            f"D = {inputs.shape[1]}; pass input_size={trained.input_size} or matching inputs."
        )
    return inputs


def rnn_curve(params: RNNParams, inputs: np.ndarray, rho: float | None, label: str | None = None) -> GradientCurve:
    """A vanilla RNN's curve with its theory rate γ·σ_max(W_hh)."""
    flow = gradient_flow(params, inputs)
    h = rnn_forward(params, inputs).h
    gamma = float(np.max(1.0 - h**2))  # tanh′(a) = 1 − tanh²(a) = 1 − h²
    sigma_max = float(np.linalg.norm(params.weight_hh, 2))
    return GradientCurve(
        label=label or f"RNN, spectral radius {rho:g}",
        model="rnn",
        knob="spectral radius" if rho is not None else "trained",
        knob_value=None if rho is None else float(rho),
        params=params,
        flow=flow,
        decay_rate=flow.decay_rate("dh_norm"),
        theory_rate=gamma * sigma_max,
        gamma=gamma,
        sigma_max=sigma_max,
    )


def lstm_curve(params: LSTMParams, inputs: np.ndarray, label: str, knob: str, value: float | None) -> GradientCurve:
    """An LSTM's curve, with the fitted decay of both ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖."""
    flow = gradient_flow(params, inputs)
    return GradientCurve(
        label=label,
        model="lstm",
        knob=knob,
        knob_value=value,
        params=params,
        flow=flow,
        decay_rate=flow.decay_rate("dh_norm"),
        cell_decay_rate=flow.decay_rate("dc_norm"),
    )
