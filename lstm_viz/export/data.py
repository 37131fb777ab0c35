"""The numbers behind every view: CSV tables (one per kind of data) and one ``.npz`` archive with everything.

CSV tables (floats written exactly: the shortest text that reads back to the same float64):
  inputs.csv        step, x_label, one column per input channel x_t[d]
  trace.csv         model, step, unit, x_label, i, f, g, o, c, h, kept, written (LSTM) / a, h (RNN)
  gradients.csv     step, lag, per model ‖∂L/∂h_t‖, ‖∂L/∂c_t‖ (LSTM), ‖∂h_T/∂h_t‖₂, for L = u · h_T
  connectivity.csv  step, lag, x_label, per model ‖∂y_T/∂x_t‖
  parameters.csv    model, name, row, col, gate, value (PyTorch layout, gate order i, f, g, o)

``lesson.npz`` (read it with ``np.load(path)``; nothing is pickled, text is stored as NumPy unicode):
  scenario_json, sources_json, x (T, D), x_labels (T,), input_labels (D,), chars (T,) for text input;
  {lstm,rnn}_{weight_ih,weight_hh,bias_ih,bias_hh}; {model}_head_weight, {model}_head_bias (a trained readout);
  lstm_{i,f,g,o,c,h,tanh_c,preact,h0,c0}, rnn_{a,h,h0}: the traces, (T, H) / (T, 4H) / (H,);
  {model}_grad_*: BPTT of L = u · h_T (dh_total, dc_total, dpreact/da, dx, dh0, weight gradients);
  {model}_flow_{lag,dh_norm,dc_norm,jacobian_norm}; {model}_connectivity_{norm,jacobian}.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields

import numpy as np

from ..lesson import Lesson
from ..scenario import Scenario
from .analyses import MODELS, LessonAnalyses, analyse

LSTM_COLUMNS = ("i", "f", "g", "o", "c", "h", "kept", "written")
RNN_COLUMNS = ("a", "h")
TRACE_COLUMNS = ("i", "f", "g", "o", "c", "h", "kept", "written", "a")  # the union; blank where a model has none
FLOW_COLUMNS = (("dh_norm", "dL_dh_norm"), ("dc_norm", "dL_dc_norm"), ("jacobian_norm", "dhT_dh_spectral_norm"))
TABLES = ("inputs", "trace", "gradients", "connectivity", "parameters")
VIEW_TABLES = {
    "cell": "trace",
    "belt": "trace",
    "heatmaps": "trace",
    "equations": "trace",
    "gradients": "gradients",
    "memory": "connectivity",
}  # the "train" view's numbers live in the app's training run, not in the scenario


def exact(value) -> str:
    """A float as the shortest text that reads back to the same float64 ("inf", "nan" included)."""
    return repr(float(value))


def csv_bytes(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def inputs_table(lesson: Lesson):
    header = ["step", "x_label", *(f"x[{label}]" for label in lesson.input_labels)]
    rows = [[t, lesson.x_labels[t], *(exact(v) for v in lesson.x[t])] for t in range(lesson.steps)]
    return header, rows


def trace_table(lesson: Lesson, models=MODELS):
    header = ["model", "step", "unit", "x_label", *TRACE_COLUMNS]
    rows = []
    for model in models:
        trace = lesson.trace(model)
        keys = LSTM_COLUMNS if model == "lstm" else RNN_COLUMNS
        columns = {k: np.asarray(getattr(trace, k)) for k in keys}
        for t in range(trace.steps):
            for unit in range(trace.hidden_size):
                values = [exact(columns[k][t, unit]) if k in columns else "" for k in TRACE_COLUMNS]
                rows.append([model, t, unit, lesson.x_labels[t], *values])
    return header, rows


def gradients_table(lesson: Lesson, analyses: LessonAnalyses):
    flows = analyses.flows
    header = ["step", "lag"]
    series = []
    for model in MODELS:
        flow = flows[model]
        for key, name in FLOW_COLUMNS:
            values = getattr(flow, key)
            if values is not None:
                header.append(f"{model}_{name}")
                series.append(values)
    lag = flows["lstm"].lag
    rows = [[t, int(lag[t]), *(exact(v[t]) for v in series)] for t in range(lesson.steps)]
    return header, rows


def connectivity_table(lesson: Lesson, analyses: LessonAnalyses):
    header = ["step", "lag", "x_label", *(f"{m}_dyT_dx_norm" for m in MODELS)]
    norms = [analyses.connectivity[m].norm for m in MODELS]
    lag = analyses.connectivity["lstm"].lag
    rows = [[t, int(lag[t]), lesson.x_labels[t], *(exact(n[t]) for n in norms)] for t in range(lesson.steps)]
    return header, rows


def parameters_table(lesson: Lesson):
    header = ["model", "name", "row", "col", "gate", "value"]
    rows = []
    for model in MODELS:
        params = lesson.params(model)
        hidden = params.hidden_size
        for name, array in params.arrays().items():
            for index, value in np.ndenumerate(array):
                row = index[0]
                gate = "ifgo"[row // hidden] if model == "lstm" else ""
                col = index[1] if len(index) > 1 else ""
                rows.append([model, name, row, col, gate, exact(value)])
    return header, rows


def table_csv(lesson: Lesson, name: str, analyses: LessonAnalyses | None = None) -> bytes:
    """One of :data:`TABLES` as CSV bytes (UTF-8, header row first)."""
    if name in ("gradients", "connectivity"):
        analyses = analyses or analyse(lesson)
    makers = {
        "inputs": lambda: inputs_table(lesson),
        "trace": lambda: trace_table(lesson),
        "gradients": lambda: gradients_table(lesson, analyses),
        "connectivity": lambda: connectivity_table(lesson, analyses),
        "parameters": lambda: parameters_table(lesson),
    }
    if name not in makers:
        raise ValueError(f"unknown table {name!r}; choose one of: {', '.join(TABLES)}.")
    return csv_bytes(*makers[name]())


def view_csv(lesson: Lesson, view: str, analyses: LessonAnalyses | None = None) -> bytes:
    """The CSV behind the app's view ``view`` ("cell", "belt", "heatmaps", "equations", "gradients", "memory")."""
    if view not in VIEW_TABLES:
        raise ValueError(f"the {view!r} view has no data export; views with data: {', '.join(VIEW_TABLES)}.")
    return table_csv(lesson, VIEW_TABLES[view], analyses)


def lesson_csvs(lesson: Lesson, analyses: LessonAnalyses | None = None) -> dict[str, bytes]:
    """Every table: {"trace.csv": bytes, ...}."""
    analyses = analyses or analyse(lesson)
    return {f"{name}.csv": table_csv(lesson, name, analyses) for name in TABLES}


def lesson_arrays(lesson: Lesson, scenario: Scenario, analyses: LessonAnalyses | None = None) -> dict[str, np.ndarray]:
    """Everything the lesson computed, flat ``{name: array}`` (the contents of :func:`lesson_npz`)."""
    analyses = analyses or analyse(lesson)
    arrays = {
        "scenario_json": np.array(scenario.to_json()),
        "sources_json": np.array(json.dumps(lesson.sources, ensure_ascii=False)),
        "x": lesson.x,
        "x_labels": np.array(lesson.x_labels, dtype=str),
        "input_labels": np.array(lesson.input_labels, dtype=str),
    }
    if lesson.chars is not None:
        arrays["chars"] = np.array(list(lesson.chars), dtype=str)
    for model, head in (lesson.heads or {}).items():
        arrays.update({f"{model}_{name}": value for name, value in (head or {}).items()})
    for model in MODELS:
        arrays.update({f"{model}_{n}": a for n, a in lesson.params(model).arrays().items()})
        arrays.update(_dataclass_arrays(lesson.trace(model), f"{model}_", skip=("x",)))
        arrays.update(_dataclass_arrays(analyses.gradients[model], f"{model}_grad_"))
        flow = analyses.flows[model]
        for key in ("lag", "dh_norm", "dc_norm", "jacobian_norm"):
            if getattr(flow, key) is not None:
                arrays[f"{model}_flow_{key}"] = getattr(flow, key)
        arrays[f"{model}_connectivity_norm"] = analyses.connectivity[model].norm
        arrays[f"{model}_connectivity_jacobian"] = analyses.connectivity[model].jacobian
    return arrays


def _dataclass_arrays(holder, prefix: str, skip=()) -> dict[str, np.ndarray]:
    return {
        f"{prefix}{f.name}": getattr(holder, f.name)
        for f in fields(holder)
        if f.name not in skip and isinstance(getattr(holder, f.name), np.ndarray)
    }


def lesson_npz(lesson: Lesson, scenario: Scenario, analyses: LessonAnalyses | None = None) -> bytes:
    """One compressed ``.npz`` with the scenario, inputs, parameters, traces and gradients (see the module doc)."""
    return npz_bytes(lesson_arrays(lesson, scenario, analyses))


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """``arrays`` as one compressed ``.npz`` file's bytes (nothing pickled: text is NumPy unicode)."""
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)
    return out.getvalue()
