"""Reset: the counter plus a reset symbol that shuts the forget gate and wipes the cell in one step."""

from __future__ import annotations

import numpy as np

from .counter import CANDIDATE_BIAS, P_A
from .preset import Episode, Preset, check_length
from .wiring import CLOSED, OPEN, SWING, GateWiring, one_unit_lstm

CHANNELS = ("a", "b", "reset")  # one-hot symbols
RESET_EVERY = 20  # a reset symbol at steps 20, 40, ... (or mid-sequence when shorter)
DEFAULT_LENGTH = 60
WIPED = 0.05  # right after a reset |c| is below this (in fact about 0.00005 × the old count)

PARAMS = one_unit_lstm(
    CHANNELS,
    i=GateWiring(CLOSED, {"a": SWING}),  # open only on 'a', as in the counter (so shut on reset)
    f=GateWiring(OPEN, {"reset": -SWING}),  # keep, except on reset: +10 − 20 = −10 shuts it
    g=GateWiring(CANDIDATE_BIAS),  # always offers +0.1
    o=GateWiring(OPEN),  # always open: h = tanh(c)
)

STORY = (
    "This is the counter with one more wire: a third symbol, reset, has a weight of −20 into the forget "
    "gate, pulling its pre-activation from +10 down to −10. On an ordinary step f ≈ 0.99995 and the count is kept; "
    "on the reset step f ≈ 0.00005, so f·c, the part of the old cell that survives, is practically zero. "
    "Reset is not an a, so the input gate stays shut and nothing new is written either: the cell drops "
    "to 0 in a single step and then starts counting the a's again from scratch. Forgetting is not a leak "
    "here but an action the network takes, at the moment it chooses."
)


def reset_episode(length: int, seed: int = 0) -> Episode:
    """Random a/b symbols with a reset every 20 steps: inputs (T, 3); the focus is the first reset."""
    length = check_length(length, 2, "reset")
    resets = list(range(RESET_EVERY, length, RESET_EVERY)) or [length // 2]
    is_a = np.random.default_rng(seed).random(length) < P_A
    symbols = np.where(is_a, 0, 1)
    symbols[resets] = 2
    inputs = np.eye(len(CHANNELS))[symbols]
    return Episode(inputs, tuple(CHANNELS[s] for s in symbols), resets[0])


PRESET = Preset.build(
    name="reset",
    title="Reset: the forget gate shuts on a reset symbol and wipes the memory",
    story=STORY,
    params=PARAMS,
    input_labels=CHANNELS,
    focus_unit=0,
    make_episode=reset_episode,
    length=DEFAULT_LENGTH,
)
