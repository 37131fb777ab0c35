"""lstm_viz: see how an LSTM works, gate by gate, step by step, and why it beats a vanilla RNN."""

from .core import *  # noqa: F403
from .core import __all__ as _core_all

__version__ = "0.1.0"
__all__ = [*_core_all, "__version__"]
