"""Latch: one LSTM unit that stores a number when a marker says so and holds it for 100+ steps."""

from __future__ import annotations

import numpy as np

from .preset import Episode, Preset, check_length
from .wiring import CLOSED, OPEN, SWING, GateWiring, one_unit_lstm

CHANNELS = ("marker", "value", "read")
VALUE_GAIN = 1.0  # g = tanh(VALUE_GAIN · value): the cell stores tanh(value), close to the value when small
STORE_STEP = 5  # the marker comes early, so the default sequence holds the value for 100+ steps
DEFAULT_LENGTH = 120
MAX_VALUE = 0.9  # stored values are drawn from U(−0.9, 0.9) and rounded to 2 decimals for the label
DISTRACTOR = 1.0  # at every other step the value line carries noise from U(−1, 1) that must be ignored

PARAMS = one_unit_lstm(
    CHANNELS,
    i=GateWiring(CLOSED, {"marker": SWING}),  # shut, except on the marker: only the marked value gets in
    f=GateWiring(OPEN),  # always keep: c_t = 0.99995 · c_{t−1} (+ what the input gate lets in)
    g=GateWiring(0.0, {"value": VALUE_GAIN}),  # the candidate is tanh(value)
    o=GateWiring(CLOSED, {"read": SWING}),  # shut, so h ≈ 0, until the read signal at the end
)

STORY = (
    "This LSTM has a single memory cell and three input lines: a marker, a value and a read signal. "
    "The value line carries a new random number at every step, but the input gate is shut "
    "(its bias is −10, so i ≈ 0.00005) except at the one step where the marker is on: the marker's "
    "weight of +20 lifts the gate to +10, it opens fully, and the cell takes in g = tanh(value). "
    "The forget gate's bias is +10, so f ≈ 0.99995 at every step: the cell keeps all but 0.005 % "
    "of its content per step and still holds more than 99.5 % of the stored value 100 steps later, "
    "while every later number on the value line is shut out. The output gate is shut too, so h stays "
    "near 0 and nothing leaks out, until the read signal at the last step opens it and "
    "h = tanh(c) reads the stored value out, squashed once more by tanh (0.25 comes out as 0.239). Writing, "
    "keeping and reading are three gates, each doing one job."
)


def latch_episode(length: int, seed: int = 0) -> Episode:
    """Store one value at step min(5, T − 2) among distractors; read at the last step. inputs: (T, 3)."""
    length = check_length(length, 2, "latch")
    rng = np.random.default_rng(seed)
    store = min(STORE_STEP, length - 2)
    value = round(float(rng.uniform(-MAX_VALUE, MAX_VALUE)), 2)
    inputs = np.zeros((length, len(CHANNELS)))
    inputs[:, 1] = rng.uniform(-DISTRACTOR, DISTRACTOR, size=length).round(2)
    inputs[store, 0] = 1.0
    inputs[store, 1] = value
    inputs[-1, 2] = 1.0
    labels = ["·"] * length
    labels[store] = f"store {value:.2f}"
    labels[-1] = "read"
    return Episode(inputs, tuple(labels), store)


PRESET = Preset.build(
    name="latch",
    title="Latch: store a number, hold it for 100+ steps, read it at the end",
    story=STORY,
    params=PARAMS,
    input_labels=CHANNELS,
    focus_unit=0,
    make_episode=latch_episode,
    length=DEFAULT_LENGTH,
)
