"""lstm_viz: see how an LSTM works, gate by gate, step by step, and why it beats a vanilla RNN."""

from __future__ import annotations

import importlib

__version__ = "0.1.0"


def __getattr__(name: str):
    """The core's names (``lstm_viz.lstm_forward`` ...), loaded on first use (PEP 562).

    Importing numba and the kernels takes ~0.5 s; loading them lazily lets ``streamlit run app.py`` put its
    page config and first elements on screen before any of that starts.
    """
    core = importlib.import_module(".core", __name__)
    if name == "__all__":
        return [*core.__all__, "__version__"]
    if name in core.__all__:
        return getattr(core, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__getattr__("__all__")})
