"""Either model through one call: the forward or backward pass picked by the params' type."""

from __future__ import annotations

from .lstm import lstm_backward, lstm_forward
from .params import LSTMParams, RNNParams
from .rnn import rnn_backward, rnn_forward


def forward(params, x, h0=None, c0=None):
    """``lstm_forward`` for LSTMParams, ``rnn_forward`` for RNNParams (which refuses a ``c0``)."""
    if isinstance(params, LSTMParams):
        return lstm_forward(params, x, h0, c0)
    if isinstance(params, RNNParams):
        if c0 is not None:
            raise ValueError("a vanilla RNN has no cell state: c0 must be None.")
        return rnn_forward(params, x, h0)
    raise ValueError(f"expected LSTMParams or RNNParams, got {type(params).__name__}.")


def backward(params, x, trace, dh):
    """``lstm_backward`` or ``rnn_backward`` by the params' type; dh: (T, H) direct ∂ℓ/∂h_t."""
    if isinstance(params, LSTMParams):
        return lstm_backward(params, x, trace, dh)
    if isinstance(params, RNNParams):
        return rnn_backward(params, x, trace, dh)
    raise ValueError(f"expected LSTMParams or RNNParams, got {type(params).__name__}.")
