"""Regenerate the shipped weights ``assets/pretrained/<task>_<model>.npz`` from fixed recipes and seeds.

Every run is a fixed number of steps (or an early stop at a target loss), never a time budget, so the
same recipe on the same software gives bit-identical arrays; ``check`` proves it against the files.
(The ``.npz`` bytes themselves differ between runs: the zip records a write time; the arrays do not.)
"The same software" includes the CPU family: numba compiles the kernels for the host CPU (fused
multiply-adds) and OpenBLAS picks its product kernels by CPU, and training amplifies a last-bit
difference. ``training.json`` records that setup (:func:`arithmetic_setup`) beside the arrays.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import llvmlite.binding
import numba
import numpy as np

from ..core import HEAD_NAMES, PARAM_NAMES
from ..core.blas import blas_core
from ..pretrained import PARAMS_CLASSES, PRETRAINED_DIR, RECORD_FILE, pretrained_path
from ..tasks import TASKS
from ..training import TrainConfig, evaluate, held_out_batch, train
from .long_lag import LONG_LAG_FORGET_BIAS, LONG_LAG_INPUT_BIAS

MODELS = ("lstm", "rnn")
TEST_SEQUENCES = 1000


@dataclass(frozen=True)
class Recipe:
    """How one task is trained for shipping: the LSTM and the RNN get the same recipe."""

    length: int | None = None  # None: the task's default T
    hidden_size: int = 32  # small files: H ≤ 32
    steps: int = 3000
    batch_size: int = 32
    lr: float = 1e-2
    target_loss: float | None = None
    seed: int = 0
    forget_bias: float = 1.0  # the LSTM's gate-bias shifts at init (the RNN ignores them)
    input_bias: float = 0.0

    def config(self, model: str) -> TrainConfig:
        return TrainConfig(
            model=model,
            hidden_size=self.hidden_size,
            steps=self.steps,
            batch_size=self.batch_size,
            length=self.length,
            lr=self.lr,
            target_loss=self.target_loss,
            seed=self.seed,
            forget_bias=self.forget_bias,
            input_bias=self.input_bias,
        )


RECIPES = {
    "adding": Recipe(length=50, steps=3000, target_loss=0.001),
    # the long-lag init: with forget bias +1 and no input bias the LSTM was at 24% (chance 12.5%) after 2000 steps
    "recall": Recipe(steps=2000, target_loss=0.01, forget_bias=LONG_LAG_FORGET_BIAS, input_bias=LONG_LAG_INPUT_BIAS),
    "temporal_order": Recipe(steps=3000, target_loss=0.01),
    "sine": Recipe(steps=1500, target_loss=0.004),
    "text": Recipe(steps=1500, target_loss=0.02),
    "custom": Recipe(steps=1500, batch_size=1, target_loss=1e-3),
}
DEFAULT_RECIPE = Recipe()


def recipe_for(task_name: str) -> Recipe:
    return RECIPES.get(task_name, DEFAULT_RECIPE)


def arrays_digest(params, head: dict) -> str:
    """SHA-256 over the names, dtypes, shapes and bytes of the six arrays: equal digests, equal weights."""
    digest = hashlib.sha256()
    arrays = {**params.arrays(), **head}
    for name in (*PARAM_NAMES, *HEAD_NAMES):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def train_one(task_name: str, model: str):
    """Train ``model`` on ``task_name`` by its recipe: (result, record)."""
    task = TASKS[task_name]
    recipe = recipe_for(task_name)
    if recipe.batch_size > task.max_batch_size:
        recipe = replace(recipe, batch_size=task.max_batch_size)
    result = train(task, recipe.config(model))
    test = evaluate(result.params, result.head, held_out_batch(task, min(TEST_SEQUENCES, task.max_batch_size),
                                                           result.length, recipe.seed))  # fmt: skip
    record = {
        "task": result.task,
        "model": model,
        "file": pretrained_path(task_name, model).name,
        "T": result.length,
        "H": recipe.hidden_size,
        "seed": recipe.seed,
        "batch_size": recipe.batch_size,
        "lr": recipe.lr,
        "clip": result.config.clip,
        "forget_bias": result.config.forget_bias if model == "lstm" else None,
        "input_bias": result.config.input_bias if model == "lstm" else None,
        "steps": recipe.steps,
        "target_loss": recipe.target_loss,
        "steps_run": result.steps_run,
        "stopped": result.stopped,
        "final_loss": result.final_loss,
        "test_loss": test.loss,
        "test_mse": test.mse,
        "test_accuracy": test.accuracy,
        "test_sequences": min(TEST_SEQUENCES, task.max_batch_size),
        "wall_time_s": round(result.wall_time, 1),
        "arrays_sha256": arrays_digest(result.params, result.head),
    }
    return result, record


def arithmetic_setup() -> dict:
    """What decides the last bit of a training run here: library versions and the CPU the kernels target."""
    return {
        "numpy": np.__version__,
        "numba": numba.__version__,
        "llvm_cpu": llvmlite.binding.get_host_cpu_name(),
        "blas_core": blas_core(),
    }


def same_arithmetic(one: dict | None, other: dict | None) -> bool:
    """Whether two :func:`arithmetic_setup` records should round alike: same CPU targets, same
    major.minor library versions (a patch release is not expected to change kernels or random streams)."""

    def key(setup: dict) -> dict:
        return {**setup, **{lib: ".".join(setup[lib].split(".")[:2]) for lib in ("numpy", "numba")}}

    return one is not None and other is not None and key(one) == key(other)


def shipped_setup(directory: Path = PRETRAINED_DIR) -> dict | None:
    """The :func:`arithmetic_setup` the shipped files were trained on (None if not recorded)."""
    path = Path(directory) / RECORD_FILE
    return json.loads(path.read_text(encoding="utf-8")).get("arithmetic") if path.exists() else None


def pretrain(directory: Path = PRETRAINED_DIR, tasks=None, models=MODELS, log=print) -> list[dict]:
    """Train and write every (task, model) file plus ``training.json`` and ``README.md``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    kept = _shipped_records(directory)  # a partial run (``tasks``) keeps the other files' records
    for task_name in tasks or TASKS:
        for model in models:
            result, record = train_one(task_name, model)
            result.params.save(pretrained_path(task_name, model, directory), **result.head)
            kept[record["file"]] = record
            log(_one_line(record))
    order = [pretrained_path(task, model).name for task in TASKS for model in MODELS]
    records = sorted(kept.values(), key=lambda r: order.index(r["file"]) if r["file"] in order else len(order))
    record = {"arithmetic": arithmetic_setup(), "weights": records}
    (directory / RECORD_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    (directory / "README.md").write_text(readme(records), encoding="utf-8")
    return records


def _shipped_records(directory: Path) -> dict[str, dict]:
    path = Path(directory) / RECORD_FILE
    if not path.exists():
        return {}
    return {r["file"]: r for r in json.loads(path.read_text(encoding="utf-8"))["weights"]}


def check(directory: Path = PRETRAINED_DIR, tasks=None, models=MODELS, log=print) -> bool:
    """Retrain each recipe and compare with the shipped arrays bit for bit; True when all match."""
    same, here, shipped_on = True, arithmetic_setup(), shipped_setup(directory)
    if not same_arithmetic(here, shipped_on):
        log(f"note: trained with {shipped_on}, checking with {here}: other CPUs or versions round differently")
    for task_name in tasks or TASKS:
        for model in models:
            _, record = train_one(task_name, model)
            shipped = PARAMS_CLASSES[model].load_with_head(pretrained_path(task_name, model, directory).read_bytes())
            match = arrays_digest(*shipped) == record["arrays_sha256"]
            same &= match
            log(f"{'identical' if match else 'DIFFERENT'}  {task_name}_{model}.npz")
    return same


def readme(records: list[dict]) -> str:
    lines = [
        "# Pretrained weights",
        "",
        "Generated by `python -m lstm_viz.experiments pretrain` (do not edit by hand); "
        "`python -m lstm_viz.experiments pretrain --check` retrains and compares the arrays bit for bit "
        "(on the same library versions and CPU family, recorded under `arithmetic` in `training.json`).",
        "",
        "Each `<task>_<model>.npz` holds the recurrent weights under their PyTorch names (`weight_ih`, "
        "`weight_hh`, `bias_ih`, `bias_hh`) and the linear readout `head_weight (O, H)`, `head_bias (O,)`, "
        "applied to h_t on the scored steps (for the adding problem: to h_T, target = the plain sum of the two "
        "marked values). Load with `lstm_viz.pretrained.load_pretrained(task, model)`. Training: Adam on full "
        "BPTT, a fresh seeded minibatch per step, gradient-norm clipping; the full record is `training.json`. "
        "Each task was trained with its default options and T.",
        "",
        "| file | T | H | seed | LSTM gate biases at init (forget, input) | steps run (max) | stopped "
        "| final train loss | test (held-out) |",
        "| --- | ---: | ---: | ---: | --- | ---: | --- | ---: | --- |",
    ]
    for r in records:
        lines.append(
            f"| `{r['file']}` | {r['T']} | {r['H']} | {r['seed']} | {_biases(r)} | {r['steps_run']} ({r['steps']}) "
            f"| {r['stopped']} "
            f"| {r['final_loss']:.4g} | {_test_score(r)} |"
        )
    return "\n".join(lines) + "\n"


def _biases(record: dict) -> str:
    if record.get("forget_bias") is None:
        return "—"
    return f"{record['forget_bias']:+g}, {record.get('input_bias') or 0:+g}"


def _test_score(record: dict) -> str:
    if record["test_accuracy"] is not None:
        return f"accuracy {100 * record['test_accuracy']:.1f}% (loss {record['test_loss']:.3g})"
    return f"MSE {record['test_mse']:.4g}"


def _one_line(record: dict) -> str:
    return (
        f"{record['file']:<24} T={record['T']:<4} steps={record['steps_run']:<5} {record['stopped']:<7} "
        f"loss={record['final_loss']:.4g}  test: {_test_score(record)}  ({record['wall_time_s']} s)"
    )
