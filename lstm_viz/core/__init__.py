"""The numerical engine: numba LSTM and vanilla-RNN kernels that expose every gate, state and gradient.

Imports only numpy and numba; the jitted kernels are plain loops (numba needs no scipy), and the
products over all steps at once go to numpy's BLAS.
"""

from .allocator import reuse_freed_memory
from .decay_fit import DecayFit, fit_decay
from .dispatch import backward, forward
from .gradient_flow import GradientFlow, gradient_flow
from .lstm import lstm_backward, lstm_backward_batch, lstm_forward, lstm_forward_batch
from .params import HEAD_NAMES, PARAM_NAMES, LSTMParams, RNNParams
from .rnn import rnn_backward, rnn_backward_batch, rnn_forward, rnn_forward_batch
from .traces import LSTMGrads, LSTMTrace, RNNGrads, RNNTrace

reuse_freed_memory()  # traces are many fresh arrays: let glibc reuse freed ones (see .allocator)

__all__ = [
    "HEAD_NAMES",
    "PARAM_NAMES",
    "DecayFit",
    "GradientFlow",
    "LSTMGrads",
    "LSTMParams",
    "LSTMTrace",
    "RNNGrads",
    "RNNParams",
    "RNNTrace",
    "backward",
    "fit_decay",
    "forward",
    "gradient_flow",
    "lstm_backward",
    "lstm_backward_batch",
    "lstm_forward",
    "lstm_forward_batch",
    "rnn_backward",
    "rnn_backward_batch",
    "rnn_forward",
    "rnn_forward_batch",
]
