"""What a :class:`~lstm_viz.scenario.Scenario` resolves to: both networks, the input sequence, their traces.

No Streamlit here (the app caches :func:`build_lesson`; an export script can call it as it is). The cell
views show the scenario's ``model``; the comparison views (gradients, connectivity, training) always need
both, so the network the scenario does not supply is a random one of the same size, and ``sources`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .core import LSTMParams, LSTMTrace, RNNParams, RNNTrace, lstm_forward, rnn_forward
from .presets import get_preset
from .pretrained import load_pretrained
from .scenario import Scenario
from .tasks import TextTask

MODEL_LABELS = {"lstm": "LSTM", "rnn": "vanilla RNN"}


@dataclass(frozen=True, eq=False)
class Lesson:
    """One scenario's networks and input, every array read-only (lessons are cached and shared).

    x: (T, D); x_labels: (T,) how each x_t reads ("'h'", "store 0.70", "0.42 ★marker");
    chars: the T characters read, for text input (else None); lstm_trace / rnn_trace: (T, H) arrays.
    sources: model -> where its weights came from, in words; heads: model -> its trained readout, if any.
    """

    title: str
    story: str
    x: np.ndarray
    x_labels: tuple[str, ...]
    input_labels: tuple[str, ...]
    chars: str | None
    lstm: LSTMParams
    rnn: RNNParams
    lstm_trace: LSTMTrace
    rnn_trace: RNNTrace
    sources: dict
    focus_unit: int | None = None
    focus_step: int | None = None
    heads: dict | None = None  # model -> {"head_weight": (O, H), "head_bias": (O,)}
    key: str = ""  # what the app's caches know this lesson by (set by the cache that built it)
    private: bool = False  # built on an uploaded file: anything derived from it stays in its session

    @property
    def steps(self) -> int:
        return self.x.shape[0]

    def hidden_size(self, model: str) -> int:
        return self.params(model).hidden_size

    def params(self, model: str):
        return self.lstm if model == "lstm" else self.rnn

    def trace(self, model: str):
        return self.lstm_trace if model == "lstm" else self.rnn_trace


def build_lesson(scenario: Scenario, uploaded: LSTMParams | RNNParams | None = None) -> Lesson:
    """Resolve ``scenario`` into networks and input; ``uploaded`` are the weights of a ``weights="upload"`` scenario.

    Raises ValueError with a message for the teacher when the pieces do not fit (e.g. an uploaded file
    whose input size differs from the task's).
    """
    if scenario.weights == "preset":
        parts = _from_preset(scenario)
    else:
        parts = _from_task(scenario, uploaded)
    lstm, rnn = _turn_knobs(parts.pop("lstm"), parts.pop("rnn"), scenario)
    with np.errstate(all="ignore"):  # an exploding RNN overflows to inf: that is the lesson, not an error
        lstm_trace, rnn_trace = lstm_forward(lstm, parts["x"]), rnn_forward(rnn, parts["x"])
    lesson = Lesson(lstm=lstm, rnn=rnn, lstm_trace=lstm_trace, rnn_trace=rnn_trace, **parts)
    _freeze(lesson)
    return lesson


def _from_preset(s: Scenario) -> dict:
    preset = get_preset(s.preset).with_length(s.length, s.seed)
    kind, hidden, inputs = preset.model, preset.params.hidden_size, preset.params.input_size
    other = "rnn" if kind == "lstm" else "lstm"
    networks = {kind: preset.params, other: _random(other, inputs, hidden, s)}
    return {
        "title": preset.title,
        "story": preset.story,
        "x": np.array(preset.inputs),
        "x_labels": preset.x_labels,
        "input_labels": preset.input_labels,
        "chars": None,
        "sources": {
            kind: f"hand-set ({preset.name} preset)",
            other: f"random, same size (weight seed {s.weight_seed})",
        },
        "focus_unit": preset.focus_unit,
        "focus_step": preset.focus_step,
        **networks,
    }


def _from_task(s: Scenario, uploaded) -> dict:
    task = s.make_task()
    batch = task.sample(1, s.length, s.seed)
    x = batch.x[0]
    chars = task.decode(x) if isinstance(task, TextTask) else None
    networks, sources, heads = {}, {}, {}
    if s.weights == "pretrained":
        networks, heads = _pretrained(task)
        sources = dict.fromkeys(networks, f"trained on the {task.title.lower()} task")
    elif s.weights == "upload" and uploaded is not None:
        if uploaded.input_size != task.input_size:
            raise ValueError(
                f"the uploaded {uploaded.label} reads inputs of size D = {uploaded.input_size}, but the "
                f"{task.title.lower()} task gives D = {task.input_size}: "
                f"pick a task with {uploaded.input_size} input(s)."
            )
        networks[uploaded.kind] = uploaded
        sources[uploaded.kind] = "uploaded .npz"
    hidden = next(iter(networks.values())).hidden_size if networks else s.hidden
    for kind in ("lstm", "rnn"):
        if kind not in networks:
            networks[kind] = _random(kind, task.input_size, hidden, s)
            sources[kind] = f"random (weight seed {s.weight_seed})"
    return {
        "title": task.title,
        "story": batch.description,
        "x": x,
        "x_labels": tuple(batch.step_label(0, t) for t in range(batch.length)),
        "input_labels": batch.input_labels,
        "chars": chars,
        "sources": sources,
        "heads": heads,
        **networks,
    }


def _pretrained(task) -> tuple[dict, dict]:
    """Both shipped networks of ``task`` and their readout heads (ValueError if none were shipped)."""
    loaded = {model: load_pretrained(task, model) for model in ("lstm", "rnn")}
    return {m: params for m, (params, _) in loaded.items()}, {m: head for m, (_, head) in loaded.items()}


def _random(kind: str, inputs: int, hidden: int, s: Scenario):
    """PyTorch-default weights from the scenario's weight seed; the knobs are turned afterwards, like any weights'."""
    cls = LSTMParams if kind == "lstm" else RNNParams
    return cls.init(inputs, hidden, seed=s.weight_seed)


def _turn_knobs(lstm: LSTMParams, rnn: RNNParams, s: Scenario) -> tuple[LSTMParams, RNNParams]:
    """forget_bias is added to b_f (LSTM); recurrent_scale multiplies W_hh (both): the lesson's two knobs."""
    if s.forget_bias != 0.0 or s.recurrent_scale != 1.0:
        hidden = lstm.hidden_size
        bias_ih = lstm.bias_ih.copy()
        bias_ih[hidden : 2 * hidden] += s.forget_bias  # rows of f in the (i, f, g, o) stacking
        lstm = lstm.replace(bias_ih=bias_ih, weight_hh=lstm.weight_hh * s.recurrent_scale)
    if s.recurrent_scale != 1.0:
        rnn = rnn.replace(weight_hh=rnn.weight_hh * s.recurrent_scale)
    return lstm, rnn


def _freeze(lesson: Lesson) -> None:
    """Make every array of the lesson read-only, so a cached lesson cannot be edited by one session for all."""
    heads = [array for head in (lesson.heads or {}).values() for array in head.values()]
    for item in (lesson.x, *heads):
        item.flags.writeable = False
    for holder in (lesson.lstm, lesson.rnn, lesson.lstm_trace, lesson.rnn_trace):
        for f in fields(holder):
            value = getattr(holder, f.name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
