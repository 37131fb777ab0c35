"""The computed results behind the gradient and memory views of a lesson, for both networks.

Pure (no Streamlit), so the export, a notebook and the app compute the same numbers:
  gradients:    BPTT of the last-step loss L = u · h_T, u = (1, …, 1)/√H (the loss of ``gradient_flow``)
  flows:        ‖∂L/∂h_t‖, ‖∂L/∂c_t‖ and ‖∂h_T/∂h_t‖₂ for every step (core.gradient_flow)
  connectivity: ‖∂y_T/∂x_t‖ for every step (analysis.input_connectivity; through the readout head when trained)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis import Connectivity, input_connectivity
from ..core import GradientFlow, LSTMGrads, RNNGrads, gradient_flow, lstm_backward, rnn_backward

MODELS = ("lstm", "rnn")


@dataclass(frozen=True, eq=False)
class LessonAnalyses:
    """model ("lstm", "rnn") -> its gradients, gradient flow and input connectivity, on the lesson's input."""

    gradients: dict[str, LSTMGrads | RNNGrads]
    flows: dict[str, GradientFlow]
    connectivity: dict[str, Connectivity]


def last_step_loss_seed(hidden: int) -> np.ndarray:
    """u = (1, …, 1)/√H, the direction of the last-step loss L = u · h_T (a unit vector)."""
    return np.full(hidden, 1.0 / np.sqrt(hidden))


def last_step_gradients(params, trace) -> LSTMGrads | RNNGrads:
    """BPTT of L = u · h_T through the lesson's sequence: every ∂L/∂h_t, ∂L/∂c_t and weight gradient."""
    dh = np.zeros(trace.h.shape)
    dh[-1] = last_step_loss_seed(params.hidden_size)
    with np.errstate(all="ignore"):  # an exploding RNN overflows to inf: that is the lesson, not an error
        if params.kind == "lstm":
            return lstm_backward(params, trace.x, trace, dh)
        return rnn_backward(params, trace.x, trace, dh)


def gradient_flows(lesson, jacobian: bool = True) -> dict[str, GradientFlow]:
    """model -> the gradient flow of a last-step loss through the lesson's input.

    ``jacobian=False`` skips ‖∂h_T/∂h_t‖₂ (T·H³ work): the app's gradient view draws only ‖∂L/∂h_t‖, ‖∂L/∂c_t‖.
    """
    with np.errstate(all="ignore"):  # an exploding RNN overflows to inf: that is the lesson, not an error
        return {model: gradient_flow(lesson.params(model), lesson.x, jacobian=jacobian) for model in MODELS}


def connectivities(lesson) -> dict[str, Connectivity]:
    """model -> ‖∂y_T/∂x_t‖ for every step (through the trained readout head when the weights came with one)."""
    heads = lesson.heads or {}
    with np.errstate(all="ignore"):
        return {model: input_connectivity(lesson.params(model), lesson.x, head=heads.get(model)) for model in MODELS}


def analyse(lesson) -> LessonAnalyses:
    """Gradients, gradient flows and connectivity of both networks of ``lesson`` (a lstm_viz.lesson.Lesson)."""
    gradients = {model: last_step_gradients(lesson.params(model), lesson.trace(model)) for model in MODELS}
    return LessonAnalyses(gradients=gradients, flows=gradient_flows(lesson), connectivity=connectivities(lesson))
