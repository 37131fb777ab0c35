"""The sidebar: the controls that define the lesson (drawn first) and the ones that only change the view.

Each control group can be hidden by a classroom link (``Scenario.hide``); a hidden group keeps the
scenario's value. Callbacks keep dependent controls sensible: a new preset brings its own length, step,
unit and model; a new task its default length and example text.
"""

from __future__ import annotations

import streamlit as st

from ..presets import PRESETS
from ..scenario import (
    FORGET_BIAS_RANGE,
    MAX_HIDDEN,
    MAX_SEED,
    MAX_TEXT_CHARS,
    PRESET_MIN_LENGTH,
    RECURRENT_SCALE_RANGE,
    Scenario,
)
from ..tasks import DEFAULT_CUSTOM_TEXT, DEFAULT_TEXT, MAX_LENGTH, TASKS, make_task
from . import state, upload

MODEL_LABELS = {"lstm": "LSTM", "rnn": "Vanilla RNN", "both": "Both"}
WEIGHT_LABELS = {
    "random": "Random (seeded)",
    "preset": "Hand-set preset",
    "pretrained": "Pretrained",
    "upload": "Upload .npz",
}
HIDE_LABELS = {
    "model": "Network choice",
    "weights": "Weights",
    "sequence": "Task and sequence",
    "size": "Hidden size",
    "knobs": "Knobs (forget bias, recurrent scale)",
    "unit": "Focused unit",
    "step": "Step slider",
    "notes": "Notes toggle",
}
TEXT_TASKS = {"text": DEFAULT_TEXT, "custom": DEFAULT_CUSTOM_TEXT}
TASK_CHANGES = ("text", "length", "step")  # the widgets _adopt_task sets when a task is chosen
PRETRAINED_TEXT_HELP = (
    "Pretrained weights were trained on this sequence and read only it. Choose Random weights to type your own."
)
FORGET_BIAS_STEP = 0.1
RECURRENT_SCALE_STEP = 0.05


# --- callbacks: run before the next script run, so they may set other widgets' values --------------------
def _adopt_preset() -> None:
    preset = PRESETS[state.widget_value("preset", state.current().preset)]
    state.set_widget("length", preset.length)
    state.set_widget("step", preset.focus_step)
    state.set_widget("unit", preset.focus_unit)
    if state.widget_value("model", state.current().model) != "both":
        state.set_widget("model", preset.model)
    state.set_widget("forget_bias", 0.0)  # the story describes the preset as wired: knobs back to neutral
    state.set_widget("recurrent_scale", 1.0)


def _adopt_task() -> None:
    name = state.widget_value("task", state.current().task)
    state.set_widget("text", TEXT_TASKS.get(name, ""))
    state.set_widget("length", make_task(name).default_length)
    state.set_widget("step", 0)


def _adopt_text() -> None:
    """A newly typed text or sequence is read whole: T becomes its default length (a shorter text before it
    had lowered T; without this a longer one would still be cut to that). A text that does not parse keeps T."""
    name = state.widget_value("task", state.current().task)
    try:
        task = make_task(name, text=state.widget_value("text", ""))
    except ValueError:
        return
    state.set_widget("length", task.default_length)


def _on_weights() -> None:
    if state.widget_value("weights") == "preset":
        _adopt_preset()
    else:
        _adopt_task()


# --- the lesson-defining controls ----------------------------------------------------------------------
def lesson_controls(s: Scenario) -> dict:
    """Draw the controls that define the lesson; return their values (hidden groups are left out)."""
    values: dict = {}
    bar = st.sidebar
    if "model" not in s.hide:
        values["model"] = bar.segmented_control(
            "Network", list(MODEL_LABELS), format_func=MODEL_LABELS.get, key=state.seed("model"), required=True,
            width="stretch", help="Both: the LSTM and the vanilla RNN side by side, on the same input.",
        )  # fmt: skip
    projector = state.widget_value("presentation", s.presentation)  # as just switched, not as the last run had it
    settings = bar.expander("Lesson settings", expanded=False) if projector else bar
    if "weights" not in s.hide:
        values |= _weights_group(settings, s)
    weights = values.get("weights", s.weights)
    if "sequence" not in s.hide:
        values |= _sequence_group(settings, s, weights)
    if "size" not in s.hide and weights == "random":
        values["hidden"] = settings.slider("Hidden size H", 1, MAX_HIDDEN, key=state.seed("hidden"))
    if "knobs" not in s.hide:
        values |= _knobs_group(bar)
    return values


def _weights_group(box, s: Scenario) -> dict:
    values = {
        "weights": box.selectbox(
            "Weights",
            list(WEIGHT_LABELS),
            format_func=WEIGHT_LABELS.get,
            key=state.seed("weights"),
            on_change=_on_weights,
        )
    }
    if values["weights"] == "preset":
        values["preset"] = box.selectbox(
            "Preset", list(PRESETS), format_func=lambda n: PRESETS[n].title.split(":")[0], key=state.seed("preset"),
            on_change=_adopt_preset,
        )  # fmt: skip
    if values["weights"] == "random":
        values["weight_seed"] = box.number_input("Weight seed", 0, MAX_SEED, step=1, key=state.seed("weight_seed"))
    if values["weights"] == "upload":
        box.file_uploader(
            "Weights file (.npz, saved by LSTMParams.save)",
            type=["npz"],
            key=upload.UPLOADER,
            on_change=upload.on_file_change,
        )
    return values


def _sequence_group(box, s: Scenario, weights: str) -> dict:
    values = {}
    if weights != "preset":
        values["task"] = box.selectbox(
            "Task", list(TASKS), format_func=lambda n: TASKS[n].title, key=state.seed("task"), on_change=_adopt_task
        )
        if values["task"] in TEXT_TASKS:
            label = "Text to read" if values["task"] == "text" else "Your numbers (commas or spaces between them)"
            shown = s.text if s.task == values["task"] and s.text else TEXT_TASKS[values["task"]]
            key = state.seed("text", shown)
            trained = weights == "pretrained"  # shipped weights know only the sequence they were trained on
            if trained:
                st.session_state[key] = TEXT_TASKS[values["task"]]
            values["text"] = box.text_area(
                label, key=key, max_chars=MAX_TEXT_CHARS, height=90, on_change=_adopt_text, disabled=trained,
                help=PRETRAINED_TEXT_HELP if trained else None,
            )  # fmt: skip
    low, high = _length_bounds(s, weights, values.get("task", s.task), values.get("text", s.text))
    key = state.seed("length")
    st.session_state[key] = min(max(int(st.session_state[key]), low), high)
    if low < high:
        values["length"] = box.number_input(f"Length T ({low}–{high})", low, high, step=1, key=key)
    else:
        box.caption(f"Length T = {low}")
    values["seed"] = box.number_input("Sequence seed", 0, MAX_SEED, step=1, key=state.seed("seed"))
    return values


def _length_bounds(s: Scenario, weights: str, task: str, text: str) -> tuple[int, int]:
    """The legal range of T for the chosen source of the sequence (the last good task's if the text is bad)."""
    if weights == "preset":
        return PRESET_MIN_LENGTH, MAX_LENGTH
    try:
        chosen = make_task(task, text=text) if task in TEXT_TASKS and text else make_task(task)
    except ValueError:
        chosen = s.make_task()
    return chosen.min_length, chosen.max_length


def _knobs_group(box) -> dict:
    return {
        "forget_bias": box.slider(
            "Forget-gate bias (added to b_f)", *FORGET_BIAS_RANGE, step=FORGET_BIAS_STEP, key=state.seed("forget_bias"),
            help="σ(b_f) is the share of the cell kept per step when the input is quiet: +3 keeps 95 %.",
        ),
        "recurrent_scale": box.slider(
            "Recurrent weight scale (× W_hh)", *RECURRENT_SCALE_RANGE, step=RECURRENT_SCALE_STEP,
            key=state.seed("recurrent_scale"),
            help="Multiplies both networks' W_hh: below the RNN's edge gradients vanish, above it they explode.",
        ),
    }  # fmt: skip


# --- controls that change only the view -------------------------------------------------------------
def view_controls(s: Scenario, hidden_size: int) -> None:
    """Focused unit, notes and projector mode (their values are read by the next run through session state)."""
    bar = st.sidebar
    if "unit" not in s.hide:
        key = state.seed("unit")
        st.session_state[key] = unit = min(int(st.session_state[key]), hidden_size - 1)
        if unit != state.current().unit:
            state.update(unit=unit)  # the link names the unit on screen, not one a smaller network lost
        if hidden_size > 1:
            bar.slider("Focused hidden unit", 0, hidden_size - 1, key=key)
        else:
            bar.caption("Focused hidden unit: 0 (the only one)")
    if "notes" not in s.hide:
        bar.toggle("Show “what to look at”", key=state.seed("notes"))
    bar.toggle("Projector mode", key=state.seed("presentation"), help="Larger text, fewer controls.")


def view_values(s: Scenario) -> dict:
    """The view controls' current values, as the widgets left them in the last run."""
    return {
        f: state.widget_value(f) for f in ("unit", "notes", "presentation", "step") if state.widget_value(f) is not None
    }
