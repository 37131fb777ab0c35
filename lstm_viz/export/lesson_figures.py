"""Every figure of a scenario, built the way the app's views build them, with no Streamlit: the lecture pack,
the CLI and a notebook get the same pictures as the screen.

    lesson = build_lesson(scenario)
    figures = lesson_figures(lesson, scenario)          # {"cell-diagram": Figure, "gate-bars-lstm": ..., ...}

Names are file stems, in the app's tab order. Each figure is themed for ``mode`` ("print": white,
slide-legible at 1280×720) and, with ``caption=True``, says under its title which scenario it shows.
The training view is not included: training is run live in the app, not part of a scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import plotly.graph_objects as go

from ..figures import (
    apply_theme,
    cell_diagram,
    connectivity_bars,
    conveyor_belt,
    gate_bars,
    gate_heatmaps,
    gradient_flow_figure,
    lstm_equations,
    rnn_equations,
    text_heat,
)
from ..figures.palette import GATE_NAMES
from ..lesson import MODEL_LABELS, Lesson
from ..scenario import Scenario
from .analyses import MODELS, LessonAnalyses, analyse
from .prepare import stamp_caption

GATE_KEYS = ("i", "f", "o")  # quantities in [0, 1]: coloured on a one-hue scale; the rest are signed
ANIMATED = "conveyor-belt"  # the figure the lecture pack also exports as a GIF and a self-playing page


def shown_models(scenario: Scenario) -> tuple[str, ...]:
    """The networks the cell views show: ("lstm",), ("rnn",) or both (comparison views always show both)."""
    return MODELS if scenario.model == "both" else (scenario.model,)


def focus(scenario: Scenario, lesson: Lesson, model: str) -> tuple[int, int]:
    """(step t, unit) the scenario points at, within this lesson's T and this model's H."""
    return min(scenario.step, lesson.steps - 1), min(scenario.unit, lesson.hidden_size(model) - 1)


def scenario_caption(scenario: Scenario, lesson: Lesson, models: tuple[str, ...] | None = None) -> str:
    """One short line saying what a figure shows, e.g.
    "Latch preset · LSTM: hand-set · vanilla RNN: random (seed 0) · T = 120, H = 1"."""
    models = models or shown_models(scenario)
    name = f"{lesson.title.split(':')[0]} preset" if scenario.weights == "preset" else lesson.title
    sources = {m: _short_source(scenario, lesson, m) for m in models}
    if len(models) > 1 and len(set(sources.values())) == 1:
        parts = [name, f"{' & '.join(MODEL_LABELS[m] for m in models)}: {sources[models[0]]}"]
    else:
        parts = [name, *(f"{MODEL_LABELS[m]}: {source}" for m, source in sources.items())]
    parts.append(f"T = {lesson.steps}, H = {lesson.hidden_size(models[0])}")
    if scenario.weights != "preset":
        parts.append(f"input seed {scenario.seed}")
    if scenario.forget_bias != 0.0:
        parts.append(f"forget bias {scenario.forget_bias:+g}")
    if scenario.recurrent_scale != 1.0:
        parts.append(f"W_hh × {scenario.recurrent_scale:g}")
    return " · ".join(parts)


def _short_source(scenario: Scenario, lesson: Lesson, model: str) -> str:
    """Where a model's weights came from, in two or three words (the lesson's own words are longer)."""
    source = lesson.sources[model]
    for start, short in (("hand-set", "hand-set"), ("trained", "pretrained"), ("uploaded", "uploaded weights")):
        if source.startswith(start):
            return short
    return f"random (seed {scenario.weight_seed})" if source.startswith("random") else source


def lesson_figures(lesson: Lesson, scenario: Scenario, mode: str | None = "print", caption: bool = True,
                   analyses: LessonAnalyses | None = None) -> dict[str, go.Figure]:  # fmt: skip
    """All figures of ``scenario`` (resolved into ``lesson`` by ``build_lesson``), name -> Figure.

    The conveyor belt keeps its animation frames (export it with ``animation_gif`` / ``animation_html``)
    and shows the whole sequence; every other figure shows step ``scenario.step`` and unit ``scenario.unit``.
    ``analyses`` (gradients, connectivity) are computed when not given.
    """
    return {name: make() for name, make in figure_makers(lesson, scenario, mode, caption, analyses).items()}


def figure_makers(lesson: Lesson, scenario: Scenario, mode: str | None = "print", caption: bool = True,
                  analyses: LessonAnalyses | None = None) -> dict[str, Callable[[], go.Figure]]:  # fmt: skip
    """Like :func:`lesson_figures`, but name -> a function making the figure: build them one at a time."""
    analyses = analyses or analyse(lesson)

    def finished(models, build) -> Callable[[], go.Figure]:
        def make() -> go.Figure:
            fig = build()
            if mode is not None:
                apply_theme(fig, mode)
            if caption:
                stamp_caption(fig, scenario_caption(scenario, lesson, models))
            return fig

        return make

    return {name: finished(models, build) for name, (models, build) in _builders(lesson, scenario, analyses).items()}


def _builders(lesson: Lesson, s: Scenario, analyses: LessonAnalyses) -> dict[str, tuple[tuple, Callable]]:
    """name -> (models the figure shows, a function making it), in the app's tab order.

    Arguments are bound now (``partial``), not looked up when the figure is made.
    """
    models = shown_models(s)
    steps = {m: focus(s, lesson, m) for m in MODELS}  # model -> (t, unit)
    out: dict[str, tuple[tuple, Callable]] = {}
    if "lstm" in models:
        t, unit = steps["lstm"]
        out["cell-diagram"] = (("lstm",), partial(cell_diagram, lesson.lstm_trace, t, unit, x_label=lesson.x_labels[t]))
    for m in models:
        t, unit = steps[m]
        out[f"gate-bars-{m}"] = ((m,), partial(gate_bars, lesson.trace(m), t, focus_unit=unit))
    if "lstm" in models:
        out[ANIMATED] = (("lstm",), partial(conveyor_belt, lesson.lstm_trace, steps["lstm"][1], t=None, animate=True,
                                            x_labels=lesson.x_labels))  # fmt: skip
    for m in models:
        out[f"heatmaps-{m}"] = ((m,), partial(gate_heatmaps, lesson.trace(m), t=steps[m][0]))
    flows = {MODEL_LABELS[m]: analyses.flows[m] for m in MODELS}
    out["gradient-flow"] = (MODELS, partial(gradient_flow_figure, flows))
    if lesson.chars is not None:  # coloured characters read as text; step labels such as "0.42 ★marker" do not fit
        out["text-heat"] = ((models[0],), partial(_text_heat, lesson, s, models[0]))
    norms = {MODEL_LABELS[m]: analyses.connectivity[m].norm for m in MODELS}
    out["connectivity"] = (MODELS, partial(connectivity_bars, norms, labels=_characters(lesson)))
    return out


FIGURE_NOTES = {
    "cell-diagram": "the LSTM cell at step t, focused unit: every gate's value, what is kept and what is written",
    "gate-bars": "every unit at step t, gates and states as bars",
    ANIMATED: "the focused unit's cell state over the whole sequence: kept + written = c_t, h_t, and the gates",
    "heatmaps": "units × time heatmaps of every gate and state",
    "gradient-flow": "how far back a loss at the last step reaches: ‖∂L/∂h_t‖ against the lag, LSTM and vanilla RNN",
    "text-heat": "the text, each character coloured by what the focused unit holds after reading it",
    "connectivity": "how much each input still moves the last output, ‖∂y_T/∂x_t‖, LSTM and vanilla RNN",
}


def figure_note(name: str) -> str:
    """What the figure called ``name`` shows, in one line (for READMEs and download captions)."""
    base, _, model = name.rpartition("-") if name.endswith(("-lstm", "-rnn")) else (name, "", "")
    note = FIGURE_NOTES.get(base, name)
    return f"{note} ({MODEL_LABELS[model]})" if model else note


def colour_by(scenario: Scenario, model: str) -> str:
    """The quantity the text is coloured by: the scenario's choice, or h for a vanilla RNN (it has only h)."""
    return scenario.colour_by if model == "lstm" else "h"


def _characters(lesson: Lesson):
    """What labels each step: the characters of a text, else the step labels ("0.42 ★marker", "store 0.70")."""
    return lesson.chars if lesson.chars is not None else lesson.x_labels


def _text_heat(lesson: Lesson, s: Scenario, model: str) -> go.Figure:
    return unit_text_heat(lesson, model, focus(s, lesson, model)[1], colour_by(s, model), _characters(lesson))


def unit_text_heat(lesson: Lesson, model: str, unit: int, key: str, chars, step_labels=None) -> go.Figure:
    """``chars`` (one per step) coloured by what ``unit`` of ``model`` holds in ``key`` (c, h, i, ...) after each;
    ``step_labels``: what each step was, for the hover (see ``text_heat``)."""
    values = getattr(lesson.trace(model), key)[:, unit]
    title = f"{MODEL_LABELS[model]} unit {unit}: {GATE_NAMES[key]} {key} after each input"
    scale = "gate" if key in GATE_KEYS else "signed"
    return text_heat(chars, values, title=title, scale=scale, value_name=key, step_labels=step_labels)


def lesson_equations(lesson: Lesson, scenario: Scenario) -> str:
    """The live-equations view as Markdown: each shown model's equations at step t, unit, numbers substituted."""
    blocks = []
    for m in shown_models(scenario):
        t, unit = focus(scenario, lesson, m)
        make = lstm_equations if m == "lstm" else rnn_equations
        lines = make(lesson.params(m), lesson.trace(m), t, unit)
        equations = "\n\n".join(f"$$\n{line}\n$$" for line in lines)
        blocks.append(f"## {MODEL_LABELS[m]}, unit {unit}, step t = {t}\n\n{equations}")
    return "\n\n".join(blocks) + "\n"
