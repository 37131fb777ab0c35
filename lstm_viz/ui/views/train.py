"""View 7: train the LSTM and the vanilla RNN on the lesson's task, live, then compare their gates before,
during and after training."""

from __future__ import annotations

import json
import math

import streamlit as st

from ...core import lstm_forward, rnn_forward
from ...figures import cell_diagram, gate_heatmaps, loss_curves
from ...tasks import ADDING_BASELINE_MSE
from ...training import TrainConfig
from ..charts import show
from ..context import Context
from ..training_job import MODELS, TrainingJob

LABEL = "⑦ Train"
USES_STEP = True
NOTES = (
    "Both networks train on the same task with the same budget and the same minibatches. On long-lag tasks the "
    "RNN's loss stalls near the baseline (it cannot see far enough back) while the LSTM's drops. Afterwards, switch "
    "the snapshot to see how training rewired the gates on this very sequence."
)
PRESET_NOTE = (
    "Presets are wired by hand, so there is nothing to train. Choose Random or Pretrained weights in the sidebar "
    "to train both networks on a task."
)
JOB = "train.job"
UPDATES_KEY = "train.updates"
UPDATE_CHOICES = (50, 100, 200, 500, 1000, 2000)
DEFAULT_UPDATES = 200
BATCH_SIZE = 32
MAX_TRAIN_LENGTH = 200  # longer lessons train on 200-step sequences: a classroom waits seconds, not minutes
TIME_BUDGET_S = 120.0  # per model: a forgotten run ends by itself
LIVE_SECONDS = 0.5  # how often the page redraws a running job
SNAPSHOT_FRACTIONS = (0.0, 0.2)  # "before" and "during"; "after" is the final result
LOSS_HEIGHT = 380
HEATMAP_HEIGHT = 620


def render(ctx: Context) -> None:
    if ctx.scenario.weights == "preset":
        st.info(PRESET_NOTE)
        return
    task = ctx.scenario.make_task()
    hidden = ctx.lesson.hidden_size("lstm")
    length = min(ctx.lesson.steps, MAX_TRAIN_LENGTH)
    if UPDATES_KEY not in st.session_state:
        st.session_state[UPDATES_KEY] = DEFAULT_UPDATES
    go_col, stop_col, size_col = st.columns([1, 1, 4], vertical_alignment="bottom")
    updates = size_col.select_slider("Updates (minibatches of 32 sequences)", UPDATE_CHOICES, key=UPDATES_KEY)
    key = json.dumps({"task": task.spec(), "H": hidden, "T": length, "updates": updates, "seed": ctx.scenario.weight_seed})
    job: TrainingJob | None = st.session_state.get(JOB)
    running = job is not None and job.running
    go_col.button("▶ Train both", key="train.start", type="primary", disabled=running, width="stretch",
                  on_click=_start, args=(key, task, hidden, length, updates, ctx.scenario.weight_seed))  # fmt: skip
    stop_col.button("■ Cancel", key="train.cancel", disabled=not running, on_click=_cancel, width="stretch")
    st.caption(f"{task.title}: T = {length}, H = {hidden}, Adam, gradient clipping at 1; fresh random weights for both.")
    if job is None or job.key != key:
        st.caption("Press ▶ Train both to start.")
    elif job.running:
        _live(ctx)
    else:
        _results(ctx, job)


def _start(key: str, task, hidden: int, length: int, updates: int, seed: int) -> None:
    old = st.session_state.get(JOB)
    if old is not None:
        old.cancel()
    snapshots = tuple(sorted({round(f * updates) for f in SNAPSHOT_FRACTIONS}))
    configs = {
        model: TrainConfig(model=model, hidden_size=hidden, steps=updates, batch_size=BATCH_SIZE, length=length,
                           seed=seed, snapshot_steps=snapshots, time_budget=TIME_BUDGET_S)
        for model in MODELS
    }  # fmt: skip
    st.session_state[JOB] = TrainingJob(key, task, configs).start()


def _cancel() -> None:
    job = st.session_state.get(JOB)
    if job is not None:
        job.cancel()


def _baseline(task) -> tuple[float, str] | None:
    """The loss of a network that learned nothing: the mean answer (adding) or a uniform guess (classes)."""
    if task.name == "adding":
        return ADDING_BASELINE_MSE, f"baseline MSE {ADDING_BASELINE_MSE:.3f}: always answer 1"
    if task.kind == "classification":
        chance = math.log(task.output_size)
        return chance, f"chance: uniform guess over {task.output_size} classes, ln {task.output_size} = {chance:.3f}"
    return None


def _curves(ctx: Context, status) -> None:
    histories = {ctx.label(m): status[m].losses for m in MODELS if status[m].losses.size}
    if histories:
        show(loss_curves(histories, baseline=_baseline(ctx.scenario.make_task())), "train.loss", ctx.mode, LOSS_HEIGHT)


@st.fragment(run_every=LIVE_SECONDS)
def _live(ctx: Context) -> None:
    job: TrainingJob | None = st.session_state.get(JOB)
    if job is None:
        return
    status = job.status()
    for model in MODELS:
        run = status[model]
        st.progress(run.step / max(run.steps, 1), text=f"{ctx.label(model)}: {run.step} / {run.steps} updates")
    _curves(ctx, status)
    if not job.running:
        st.rerun(scope="app")


def _results(ctx: Context, job: TrainingJob) -> None:
    status = job.status()
    for model in MODELS:
        if status[model].error:
            st.error(f"Training the {ctx.label(model)} failed: {status[model].error}")
    _curves(ctx, status)
    results = {m: status[m].result for m in MODELS if status[m].result is not None}
    if not results:
        return
    summary = " · ".join(f"**{ctx.label(m)}**: loss {r.final_loss:.4f} after {r.steps_run} updates ({r.stopped})"
                         for m, r in results.items())  # fmt: skip
    st.markdown(summary)
    _snapshots(ctx, results)


def _snapshots(ctx: Context, results: dict) -> None:
    lstm = results.get("lstm")
    if lstm is None:
        return
    options = {f"before (0 updates)" if s == 0 else f"during ({s} updates)": s for s in sorted(lstm.snapshots)}
    options[f"after ({lstm.steps_run} updates)"] = None
    choice = st.segmented_control("Gates of the trained networks on this sequence", list(options), key="train.snapshot",
                                                  default=list(options)[-1], required=True)  # fmt: skip
    step = options[choice]
    columns = st.columns(2, gap="medium")
    for column, model in zip(columns, MODELS, strict=True):
        result = results.get(model)
        if result is None:
            continue
        params = result.params if step is None or step not in result.snapshots else result.snapshots[step][0]
        trace = lstm_forward(params, ctx.lesson.x) if model == "lstm" else rnn_forward(params, ctx.lesson.x)
        with column:
            st.markdown(f"**{ctx.label(model)}**, {choice}")
            if model == "lstm":
                show(cell_diagram(trace, ctx.t, min(ctx.scenario.unit, params.hidden_size - 1), ctx.x_label),
                     "train.cell", ctx.mode)  # fmt: skip
            show(gate_heatmaps(trace, t=ctx.t), f"train.heatmaps.{model}", ctx.mode, HEATMAP_HEIGHT)
