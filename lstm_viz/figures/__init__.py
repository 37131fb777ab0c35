"""Figures: data in, ``plotly.graph_objects.Figure`` out; no Streamlit, so they work in a notebook too.

One palette (:mod:`.palette`) colours each gate the same everywhere; :func:`apply_theme` restyles any
figure for the screen, a projector or print. Shapes follow the core: a trace's arrays are (T, H).
"""

from .cell_diagram import cell_diagram
from .conveyor import conveyor_belt
from .equations import lstm_equations, rnn_equations
from .gate_bars import gate_bars
from .gradients import decay_readout, gradient_flow_figure
from .heatmaps import gate_heatmaps
from .memory import connectivity_bars, text_heat
from .palette import GATE_COLORS, GATE_NAMES, GATE_SCALE, GATE_SYMBOLS, SIGNED_SCALE, gate_scale
from .theme import MODES, apply_theme
from .training import loss_curves

__all__ = [
    "GATE_COLORS",
    "GATE_NAMES",
    "GATE_SCALE",
    "GATE_SYMBOLS",
    "MODES",
    "SIGNED_SCALE",
    "apply_theme",
    "cell_diagram",
    "connectivity_bars",
    "conveyor_belt",
    "decay_readout",
    "gate_bars",
    "gate_heatmaps",
    "gate_scale",
    "gradient_flow_figure",
    "loss_curves",
    "lstm_equations",
    "rnn_equations",
    "text_heat",
]
