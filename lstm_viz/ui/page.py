"""The page, top to bottom: read the scenario (URL on the first run, widgets after), build its lesson,
draw the header and the chosen view, and mirror the scenario in the URL (``main.run`` sets up the page first).

A control change that makes a bad scenario (a typo in a typed sequence, a refused upload) shows an
``st.error`` and keeps the last good lesson on screen; a refused choice is set back to the one in use
(a typed text stays as typed, to be corrected).
"""

from __future__ import annotations

import streamlit as st

from ..export.lesson_figures import shown_models
from ..scenario import Scenario
from . import cache, classroom, downloads, header, sidebar, state, stepper, style, upload
from .context import Context
from .views import VIEW_MODULES

TAB_KEY = state.widget_key("view")
LABEL_TO_VIEW = {module.LABEL: v for v, module in VIEW_MODULES.items()}
FIELD_WORDS = {"text": "sequence", "task": "task", "length": "length", "weights": "weights", "model": "network"}


def render() -> None:
    last_good = state.start()
    for message in state.pop_restored():
        st.error(message)
    accepted = upload.process(check=lambda weights: cache.lesson(last_good, weights))
    if accepted is not None and state.widget_value("model", last_good.model) != "both":
        state.set_widget("model", accepted.params.kind)  # show the network that was uploaded
    for message in (state.pop_url_error(), upload.error() if last_good.weights == "upload" else None):
        if message:
            st.error(message)
    scenario, lesson = _resolve(last_good)
    style.apply(scenario)
    sidebar.view_controls(scenario, max(lesson.hidden_size(m) for m in shown_models(scenario)))
    header.title(scenario, lesson)
    _views(scenario, lesson)
    if scenario.presentation:
        header.details(scenario, lesson)
    classroom.render(scenario)  # last in the sidebar, and drawn after the view: its link box is not urgent
    state.sync_url(state.current())


def _resolve(last_good: Scenario):
    """The scenario the widgets ask for and its lesson, or the last good pair with an error shown."""
    values = sidebar.lesson_controls(last_good) | sidebar.view_values(last_good)
    view = LABEL_TO_VIEW.get(st.session_state.get(TAB_KEY))
    if view is not None:
        values["view"] = view
    uploaded = upload.weights()
    try:
        scenario = state.candidate(values)
        lesson = cache.lesson(scenario, uploaded)
    except ValueError:
        scenario, lesson = _keep_what_works(last_good, values, uploaded)
    state.accept(scenario)
    return scenario, lesson


def _keep_what_works(last_good: Scenario, values: dict, uploaded):
    """Apply the changed controls one by one, keeping each that still makes a lesson; report the others.

    So a typo in the typed sequence keeps the last good sequence but never blocks the other controls.
    """
    try:
        scenario, lesson = last_good, cache.lesson(last_good, uploaded)
    except ValueError as exc:  # only if the pieces behind the last good lesson changed (a file, a shipped model)
        st.error(f"{exc} Showing the default lesson.")
        scenario = Scenario()
        lesson = cache.lesson(scenario)
    refused, messages = [], []
    for field, value in sorted(values.items(), key=lambda item: item[0] != "task"):  # the task first
        if value == getattr(scenario, field) or ("task" in refused and field in sidebar.TASK_CHANGES):
            continue  # unchanged, or changed only by choosing the task that was refused
        try:
            trial = scenario.replace(**{field: value})
            lesson, scenario = cache.lesson(trial, uploaded), trial
        except ValueError as exc:
            refused.append(field)
            messages.append(f"{exc} The last good {FIELD_WORDS.get(field, field)} stays in use.")
    restore = _restore_values(scenario, refused)
    if any(state.widget_value(field) != value for field, value in restore.items()):
        state.restore_widgets(restore, messages)  # reruns: the controls then show what is in use
    for message in messages:
        st.error(message)
    return scenario, lesson


def _restore_values(scenario: Scenario, refused: list[str]) -> dict:
    """The widget values that show ``scenario`` again after ``refused`` controls were turned down.

    A typed text stays as typed (the student fixes the typo in place); a refused task also takes back what
    choosing it changed (its default length and text, step 0: ``sidebar._adopt_task``).
    """
    restore = {field: getattr(scenario, field) for field in refused if field != "text"}
    if "task" in restore:
        restore |= {field: getattr(scenario, field) for field in sidebar.TASK_CHANGES}
        restore["text"] = scenario.text or sidebar.TEXT_TASKS.get(scenario.task, "")  # "": the task's own example
    return restore


def _views(scenario: Scenario, lesson) -> None:
    st.session_state[TAB_KEY] = VIEW_MODULES[scenario.view].LABEL
    tabs = st.tabs([module.LABEL for module in VIEW_MODULES.values()], key=TAB_KEY, on_change="rerun")
    for tab, view in zip(tabs, VIEW_MODULES, strict=True):
        if tab.open:
            with tab:
                if not scenario.presentation:
                    _unchanging(view, scenario)
                _view(view, lesson)
                downloads.view_exports(view)  # not in the fragment: a step does not send the buttons again
                if scenario.presentation:  # on a projector the view comes first: below it, 720 px ended mid-cell
                    _unchanging(view, scenario)


def _unchanging(view: str, scenario: Scenario) -> None:
    """What a view shows whatever the step: drawn by the full run, so a step (the fragment) does not send it again."""
    module = VIEW_MODULES[view]
    if scenario.notes:
        only_rnn = scenario.model == "rnn" and hasattr(module, "RNN_NOTES")  # the LSTM's notes would not fit
        st.info(module.RNN_NOTES if only_rnn else module.NOTES, icon=":material/visibility:")
    render_once = getattr(module, "render_once", None)
    if render_once is not None:
        render_once()


@st.fragment
def _view(view: str, lesson) -> None:
    """One view with its step controls: moving the step reruns only this fragment."""
    module = VIEW_MODULES[view]
    scenario = state.current()
    t = stepper.render(scenario, lesson) if module.USES_STEP else scenario.step
    ctx = Context(state.current(), lesson, t)
    module.render(ctx)
    downloads.showing(ctx)
    downloads.lecture_pack(ctx, view)
