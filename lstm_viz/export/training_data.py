"""The numbers behind the Train view: both networks' loss curves as CSV, and the whole run as one ``.npz``.

Input is what the app's training run produced: ``{model: TrainResult}`` ("lstm", "rnn"; either may be
missing when its run failed), plus what the run was started for.

``training.csv`` (floats written exactly, as in the other CSV tables): one row per update,
  update, lstm_loss, lstm_grad_norm, rnn_loss, rnn_grad_norm   (1-based update; blank after a run stopped)

``training.npz`` (read it with ``np.load(path)``; nothing is pickled, text is NumPy unicode):
  scenario_json (the lesson the run was started from), run_json (task, T, H, batch, updates, seed);
  per model m: m_loss (steps_run,), m_grad_norm (steps_run,), m_summary_json (config, stop reason, best step);
  m_{weight_ih,weight_hh,bias_ih,bias_hh,head_weight,head_bias}: the weights the run ended with (the best
  ones after a cancel or divergence);
  m_snapshot_steps (k,): the updates a snapshot was kept after (0 = the seeded start), and for each such
  step s: m_step{s}_{weight_ih,...,head_bias}: the weights after s updates.
"""

from __future__ import annotations

import json

import numpy as np

from ..scenario import Scenario
from .data import csv_bytes, exact, npz_bytes

MODELS = ("lstm", "rnn")
CSV_SERIES = (("loss", "history"), ("grad_norm", "grad_norms"))  # column suffix, TrainResult attribute


def training_table(results: dict) -> tuple[list[str], list[list]]:
    """(header, rows) of ``training.csv``: the loss and gradient norm of each update, per model."""
    shown = [m for m in MODELS if results.get(m) is not None]
    if not shown:
        raise ValueError("there is no finished training run to export.")
    header = ["update", *(f"{m}_{suffix}" for m in shown for suffix, _ in CSV_SERIES)]
    series = [np.asarray(getattr(results[m], attribute)) for m in shown for _, attribute in CSV_SERIES]
    updates = max(len(values) for values in series)
    rows = [[k + 1, *(exact(values[k]) if k < len(values) else "" for values in series)] for k in range(updates)]
    return header, rows


def training_csv(results: dict) -> bytes:
    """``training.csv`` as UTF-8 bytes (header row first)."""
    return csv_bytes(*training_table(results))


def training_arrays(results: dict, scenario: Scenario, run: dict) -> dict[str, np.ndarray]:
    """Everything the run produced, flat ``{name: array}`` (the contents of :func:`training_npz`).

    run: plain values saying what the run was started for (task spec, T, H, batch, updates, seed).
    """
    training_table(results)  # the same refusal when there is nothing to export
    arrays = {
        "scenario_json": np.array(scenario.to_json()),
        "run_json": np.array(json.dumps(run, ensure_ascii=False, sort_keys=True)),
    }
    for model in MODELS:
        result = results.get(model)
        if result is None:
            continue
        arrays[f"{model}_loss"] = np.asarray(result.history, dtype=float)
        arrays[f"{model}_grad_norm"] = np.asarray(result.grad_norms, dtype=float)
        arrays[f"{model}_summary_json"] = np.array(json.dumps(result.summary(), default=_plain, sort_keys=True))
        arrays.update(_weights(f"{model}_", result.params, result.head))
        steps = sorted(result.snapshots)
        arrays[f"{model}_snapshot_steps"] = np.array(steps, dtype=np.int64)
        for step in steps:
            arrays.update(_weights(f"{model}_step{step}_", *result.snapshots[step]))
    return arrays


def training_npz(results: dict, scenario: Scenario, run: dict) -> bytes:
    """One compressed ``.npz`` with the run's losses, final weights and snapshots (see the module doc)."""
    return npz_bytes(training_arrays(results, scenario, run))


def _weights(prefix: str, params, head: dict | None) -> dict[str, np.ndarray]:
    arrays = {f"{prefix}{name}": np.asarray(value) for name, value in params.arrays().items()}
    arrays.update({f"{prefix}{name}": np.asarray(value) for name, value in (head or {}).items()})
    return arrays


def _plain(value):
    """JSON for the numpy scalars a run summary may hold."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
