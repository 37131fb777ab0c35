"""The LSTM and the vanilla RNN behind one interface for training, on the core's batched kernels.

Weights travel as a plain dict ``{weight_ih, weight_hh, bias_ih, bias_hh}`` of writeable arrays
(the optimiser updates them in place); inputs are time-major, ``x: (T, B, D)``, and every pass is
a single kernel call: no Python loop over timesteps. Like the core's wrappers, we hand the kernels
the same read-only views (and a fresh bias sum), so training reuses the core's compiled kernels
instead of compiling its own specialisations.
"""

from __future__ import annotations

import numpy as np

from ..core import PARAM_NAMES, LSTMParams, RNNParams
from ..core.lstm_kernels import lstm_backward_kernel, lstm_forward_kernel
from ..core.rnn_kernels import rnn_backward_kernel, rnn_forward_kernel
from ..core.shared_kernels import read_only  # a view: the weights themselves stay writeable for the optimiser


class LSTMModel:
    """z_t = W_ih x_t + W_hh h_{t-1} + b,  (i, f, g, o) = (σ, σ, tanh, σ)(z),
    c_t = f c_{t-1} + i g,  h_t = o tanh c_t."""

    kind = "lstm"
    params_class = LSTMParams

    @staticmethod
    def init(
        input_size: int, hidden_size: int, seed: int, forget_bias: float, input_bias: float = 0.0
    ) -> dict[str, np.ndarray]:
        """PyTorch's init with ``forget_bias`` added to b_f and ``input_bias`` to b_i (the input gate)."""
        weights = writeable_arrays(LSTMParams.init(input_size, hidden_size, seed=seed, forget_bias=forget_bias))
        if input_bias:
            weights["bias_ih"][:hidden_size] += input_bias
        return weights

    @staticmethod
    def forward(w: dict, x: np.ndarray):
        """x: (T, B, D) -> h (T, B, H) and what the backward pass needs."""
        h0 = read_only(np.zeros((x.shape[1], w["weight_hh"].shape[1]), dtype=x.dtype))
        c0 = h0
        bias = w["bias_ih"] + w["bias_hh"]  # a fresh writeable sum, exactly as the core passes ``params.bias``
        x, weight_ih, weight_hh = read_only(x), read_only(w["weight_ih"]), read_only(w["weight_hh"])
        _, gates, c, tanh_c, h = lstm_forward_kernel(x, weight_ih, weight_hh, bias, h0, c0)
        return h, tuple(read_only(a) for a in (gates, c, tanh_c, h, h0, c0))

    @staticmethod
    def backward(w: dict, x: np.ndarray, cache, dh: np.ndarray) -> dict[str, np.ndarray]:
        """dh: (T, B, H) direct ∂L/∂h_t -> ∂L/∂(each weight), summed over the batch."""
        gates, c, tanh_c, h, h0, c0 = cache
        dc_last = c0  # zeros: the loss reads h only
        x, weight_ih, weight_hh, dh = read_only(x), read_only(w["weight_ih"]), read_only(w["weight_hh"]), read_only(dh)
        out = lstm_backward_kernel(x, weight_ih, weight_hh, h0, c0, gates, c, tanh_c, h, dh, dc_last)
        d_weight_ih, d_weight_hh, d_bias = out[7], out[8], out[9]
        return {"weight_ih": d_weight_ih, "weight_hh": d_weight_hh, "bias_ih": d_bias, "bias_hh": d_bias.copy()}


class RNNModel:
    """a_t = W_ih x_t + W_hh h_{t-1} + b,  h_t = tanh(a_t)."""

    kind = "rnn"
    params_class = RNNParams

    @staticmethod
    def init(
        input_size: int, hidden_size: int, seed: int, forget_bias: float, input_bias: float = 0.0
    ) -> dict[str, np.ndarray]:
        del forget_bias, input_bias  # a vanilla RNN has no gates
        return writeable_arrays(RNNParams.init(input_size, hidden_size, seed=seed))

    @staticmethod
    def forward(w: dict, x: np.ndarray):
        h0 = read_only(np.zeros((x.shape[1], w["weight_hh"].shape[1]), dtype=x.dtype))
        bias = w["bias_ih"] + w["bias_hh"]  # as the core passes ``params.bias``
        x, weight_ih, weight_hh = read_only(x), read_only(w["weight_ih"]), read_only(w["weight_hh"])
        _, h = rnn_forward_kernel(x, weight_ih, weight_hh, bias, h0)
        return h, (read_only(h), h0)

    @staticmethod
    def backward(w: dict, x: np.ndarray, cache, dh: np.ndarray) -> dict[str, np.ndarray]:
        h, h0 = cache
        x, weight_ih, weight_hh, dh = read_only(x), read_only(w["weight_ih"]), read_only(w["weight_hh"]), read_only(dh)
        out = rnn_backward_kernel(x, weight_ih, weight_hh, h0, h, dh)
        d_weight_ih, d_weight_hh, d_bias = out[4], out[5], out[6]
        return {"weight_ih": d_weight_ih, "weight_hh": d_weight_hh, "bias_ih": d_bias, "bias_hh": d_bias.copy()}


MODELS = {"lstm": LSTMModel, "rnn": RNNModel}


def model_of(params) -> type[LSTMModel] | type[RNNModel]:
    """The model class that trains ``params`` (LSTMParams or RNNParams)."""
    for model in MODELS.values():
        if isinstance(params, model.params_class):
            return model
    raise ValueError(f"expected LSTMParams or RNNParams, got {type(params).__name__}.")


def writeable_arrays(params) -> dict[str, np.ndarray]:
    """Private writeable copies of the four weight arrays (core params are read-only values)."""
    return {name: np.array(params.arrays()[name]) for name in PARAM_NAMES}
