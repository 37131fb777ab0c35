"""View 7: train the LSTM and the vanilla RNN on the lesson's task, live, and compare their gates before,
during and after training: progress, loss curves and the snapshots known so far redraw while the run goes on.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import partial

import streamlit as st

from ...core import lstm_forward, rnn_forward
from ...figures import cell_diagram, gate_heatmaps, loss_curves
from ...tasks import ADDING_BASELINE_MSE, Task
from .. import downloads
from ..charts import show, show_uncached
from ..context import Context

MODELS = ("lstm", "rnn")  # as ui.training_job.MODELS; the training machinery loads only when a run starts

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
DEFAULT_UPDATES = 1000  # a few seconds on a laptop; enough for the LSTM to learn the adding problem (200 was not)
BATCH_SIZE = 32
MAX_TRAIN_LENGTH = 200  # longer lessons train on 200-step sequences: a classroom waits seconds, not minutes
TIME_BUDGET_S = 120.0  # per model: a forgotten run ends by itself
LIVE_SECONDS = 0.5  # how often the page redraws a running job
SNAPSHOT_FRACTIONS = (0.0, 0.2)  # "before" and "during"; "after" is the final result
LOSS_HEIGHT = 380
STOPPED = {
    "steps": "all updates done",
    "target": "target loss reached",
    "time": f"stopped at the {TIME_BUDGET_S:.0f}-s time limit",
    "cancelled": "cancelled: best weights kept",
    "diverged": "diverged: best weights kept",
}
HEATMAP_HEIGHT = 620


@dataclass(frozen=True)
class Plan:
    """One training run of both networks: what the Train button starts."""

    task: Task
    hidden: int
    length: int
    batch: int
    updates: int
    seed: int

    @property
    def key(self) -> str:
        """Which lesson and settings a job was started for (results of other settings are not shown)."""
        spec = {"task": self.task.spec(), "H": self.hidden, "T": self.length, "B": self.batch}
        return json.dumps({**spec, "updates": self.updates, "seed": self.seed})

    def run_spec(self) -> dict:
        """Plain values for the exported data: what this run trained on."""
        return {"task": self.task.spec(), "T": self.length, "H": self.hidden, "batch": self.batch,
                "updates": self.updates, "seed": self.seed}  # fmt: skip

    def config(self, model: str):
        from ...training import LONG_LAG_FORGET_BIAS, LONG_LAG_INPUT_BIAS, TrainConfig

        snapshots = tuple(sorted({round(f * self.updates) for f in SNAPSHOT_FRACTIONS}))
        # A long-lag task gets the LSTM init the experiments use: with the default one the LSTM can stay at
        # chance on recall while the RNN learns it, the opposite of the lesson (docs/RESULTS.md, init table).
        gate_biases = {}
        if self.task.long_lag:
            gate_biases = {"forget_bias": LONG_LAG_FORGET_BIAS, "input_bias": LONG_LAG_INPUT_BIAS}
        return TrainConfig(
            **gate_biases,
            model=model,
            hidden_size=self.hidden,
            steps=self.updates,
            batch_size=self.batch,
            length=self.length,
            seed=self.seed,
            snapshot_steps=snapshots,
            time_budget=TIME_BUDGET_S,
        )


def render(ctx: Context) -> None:
    if ctx.scenario.weights == "preset":
        st.info(PRESET_NOTE)
        return
    task = ctx.scenario.make_task()
    batch = min(BATCH_SIZE, task.max_batch_size)  # a typed sequence is a single sequence
    if UPDATES_KEY not in st.session_state:
        st.session_state[UPDATES_KEY] = DEFAULT_UPDATES
    go_col, stop_col, size_col = st.columns([1, 1, 4], vertical_alignment="bottom")
    updates = size_col.select_slider(f"Updates (minibatches of {batch} sequences)", UPDATE_CHOICES, key=UPDATES_KEY)
    plan = Plan(
        task=task,
        hidden=ctx.lesson.hidden_size("lstm"),
        length=max(min(ctx.lesson.steps, MAX_TRAIN_LENGTH), task.min_length),
        batch=batch,
        updates=updates,
        seed=ctx.scenario.weight_seed,
    )
    job = st.session_state.get(JOB)
    running = job is not None and job.running
    ours = job is not None and job.key == plan.key  # a job started for these very settings
    go_col.button("▶ Train both", key="train.start", type="primary", disabled=running and ours, width="stretch",
                  on_click=_start, args=(plan,))  # fmt: skip
    stop_col.button("■ Cancel", key="train.cancel", disabled=not running, on_click=_cancel, width="stretch")
    st.caption(
        f"{task.title}: T = {plan.length}, H = {plan.hidden}, Adam, gradient clipping at 1; fresh random weights."
    )
    if running and not ours:
        st.warning(_elsewhere(ctx, job), icon=":material/model_training:")
    elif not ours:
        st.caption("Press ▶ Train both to start.")
    elif job.running:
        _live(ctx)
    else:
        _results(ctx, job)


def _elsewhere(ctx: Context, job) -> str:
    """What a run started for other settings (the lesson changed while it trained) is doing, and the way out."""
    done = " · ".join(f"{ctx.label(m)} {run.step} / {run.steps}" for m, run in job.status().items())
    return (
        f"A run for the settings before your last change is still training ({done} updates). ■ Cancel stops it; "
        "▶ Train both stops it and trains on the current settings instead."
    )


def _start(plan: Plan) -> None:
    from ..training_job import TrainingJob

    old = st.session_state.get(JOB)
    if old is not None:
        old.cancel()
    configs = {model: plan.config(model) for model in MODELS}
    st.session_state[JOB] = TrainingJob(plan.key, plan.task, configs, spec=plan.run_spec()).start()


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


def _curves(ctx: Context, status, exports: bool = True) -> None:
    histories = {ctx.label(m): status[m].losses for m in MODELS if status[m].losses.size}
    if histories:
        fig = loss_curves(histories, baseline=_baseline(ctx.scenario.make_task()))
        show_uncached(fig, "train.loss", ctx, LOSS_HEIGHT, exports)


@st.fragment(run_every=LIVE_SECONDS)
def _live(ctx: Context) -> None:
    """Redrawn twice a second while training runs: progress, the loss curves so far, the snapshots so far."""
    job = st.session_state.get(JOB)
    if job is None:
        return
    status = job.status()
    for model in MODELS:
        run = status[model]
        text = f"{ctx.label(model)}: {run.step} / {run.steps} updates"
        st.progress(run.step / max(run.steps, 1), text=text)
    _curves(ctx, status, exports=False)  # nothing to save until the run ends
    snapshots = {m: status[m].snapshots for m in MODELS if status[m].snapshots}
    if snapshots:
        _snapshots(ctx, job.key, snapshots, None, live=True)
    if not job.running:
        st.rerun(scope="app")


def _results(ctx: Context, job) -> None:
    status = job.status()
    for model in MODELS:
        if status[model].error:
            st.error(f"Training the {ctx.label(model)} failed: {status[model].error}")
    _curves(ctx, status)
    results = {m: status[m].result for m in MODELS if status[m].result is not None}
    if not results:
        return
    lines = [f"**{ctx.label(m)}**: loss {r.final_loss:.4f} after {r.steps_run} updates ({STOPPED[r.stopped]})"
             for m, r in results.items()]  # fmt: skip
    st.markdown(" · ".join(lines))
    downloads.training_exports(ctx, results, job.spec)
    # The snapshots shown while it ran, even one a cancel came before the full run reached again.
    _snapshots(ctx, job.key, {m: status[m].snapshots for m in results}, results)


def _snapshot_options(snapshots: dict, results: dict | None) -> dict[str, int | None]:
    """{label: update} for every snapshot the LSTM (else the RNN) has, then "after" (None) once the run ended."""
    steps = sorted(snapshots.get("lstm") or snapshots.get("rnn") or {})
    options = {"before (0 updates)" if s == 0 else f"during ({s} updates)": s for s in steps}
    ran = {r.steps_run for r in (results or {}).values()}
    if ran:
        options[f"after ({ran.pop()} updates)" if len(ran) == 1 else "after (each run's end)"] = None
    return options


def _snapshots(ctx: Context, job_key: str, snapshots: dict, results: dict | None, live: bool = False) -> None:
    """The gates of both networks on this lesson's sequence, with the weights of the chosen snapshot.

    snapshots: {model: {update: params}}; results: {model: TrainResult} once the run ended (adds "after").
    While the run goes on (``live``) the choice has its own widget, as its options grow with the run.
    """
    options = _snapshot_options(snapshots, results)
    if not options:
        return
    labels = list(options)
    choice = st.segmented_control(
        "Gates of the networks on this sequence" + (" (so far: the run goes on)" if live else ""),
        labels,
        key=f"train.snapshot.live.{len(labels)}" if live else "train.snapshot",  # a new snapshot is shown when it comes
        default=labels[-1],
        required=True,
    )
    if choice not in options:  # a live choice made before a newer snapshot arrived
        choice = labels[-1]
    step = options[choice]
    shown = {}  # model -> (trace, unit, which, heading, caption) for the chosen snapshot's weights
    for model in MODELS:
        result = (results or {}).get(model)
        params = result.params if step is None and result is not None else snapshots.get(model, {}).get(step)
        if params is None:
            continue
        trace = lstm_forward(params, ctx.lesson.x) if model == "lstm" else rnn_forward(params, ctx.lesson.x)
        unit = min(ctx.scenario.unit, params.hidden_size - 1)
        ended = (result.steps_run, result.stopped) if step is None and result is not None else ()
        which = (job_key, step, *ended, ctx.t, unit)  # the weights and the view, exactly
        when = f"after {result.steps_run} updates" if ended else choice  # each network's own end
        text = f"{ctx.label(model)} trained on {ctx.scenario.task}, {when}"  # not the scenario's own weights
        shown[model] = (trace, unit, which, f"**{ctx.label(model)}**, {when}", text)
    if "lstm" in shown:  # the cell diagram needs the full width: in a column its labels run into each other
        trace, unit, which, heading, text = shown["lstm"]
        st.markdown(heading)
        diagram = partial(cell_diagram, trace, ctx.t, unit, ctx.x_label)
        show(diagram, "train.cell", ctx, which, caption=text, exports_here=True)
    for column, model in zip(st.columns(2, gap="medium"), MODELS, strict=True):
        if model in shown:
            trace, _, which, heading, text = shown[model]
            with column:
                st.markdown(heading)
                heatmaps = partial(gate_heatmaps, trace, t=ctx.t)
                show(heatmaps, f"train.heatmaps.{model}", ctx, which, HEATMAP_HEIGHT, caption=text, exports_here=True)
