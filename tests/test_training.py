"""Training: Adam, clipping, the readout loss and its gradient, and the loop's stops, snapshots and seeds."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_checks import FD_TOL, numerical_gradient, relative_error

from lstm_viz.core import (
    HEAD_NAMES,
    PARAM_NAMES,
    LSTMParams,
    RNNParams,
    lstm_backward_batch,
    lstm_forward_batch,
    rnn_backward_batch,
    rnn_forward_batch,
)
from lstm_viz.core.lstm_kernels import lstm_bptt, lstm_forward_kernel
from lstm_viz.core.rnn_kernels import rnn_bptt, rnn_forward_kernel
from lstm_viz.tasks import make_task
from lstm_viz.training import (
    MODELS,
    Adam,
    TimeMajorBatch,
    TrainConfig,
    TrainingCancelled,
    clip_grad_norm,
    evaluate,
    global_norm,
    held_out_batch,
    init_head,
    loss_and_grads,
    predict,
    train,
)
from lstm_viz.training.optim import clip_factor

TINY = {"hidden_size": 4, "batch_size": 8, "length": 8}  # seconds, not minutes
ALL_NAMES = (*PARAM_NAMES, *HEAD_NAMES)


def same_arrays(params_a, head_a, params_b, head_b) -> bool:
    a, b = {**params_a.arrays(), **head_a}, {**params_b.arrays(), **head_b}
    return all(np.array_equal(a[name], b[name]) for name in ALL_NAMES)


# --- the optimiser ----------------------------------------------------------------------------------


def test_adam_minimises_an_ill_conditioned_quadratic_to_1e_6():
    # f(θ) = ½ (θ − θ*)ᵀ A (θ − θ*) with eigenvalues from 0.1 to 10: minimum 0 at θ*.
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    a = q @ np.diag(np.geomspace(0.1, 10.0, 5)) @ q.T
    optimum = rng.normal(size=5)
    theta = {"theta": np.zeros(5)}
    adam = Adam(theta, lr=0.05)
    for _ in range(3000):
        adam.step({"theta": a @ (theta["theta"] - optimum)})
    gap = theta["theta"] - optimum
    assert 0.5 * gap @ a @ gap < 1e-6


def test_adam_matches_torch_adam_step_for_step(torch):
    rng = np.random.default_rng(1)
    start = rng.normal(size=(3, 4))
    grads = [rng.normal(size=(3, 4)) for _ in range(5)]
    ours = {"w": start.copy()}
    adam = Adam(ours, lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    theirs = torch.tensor(start.copy(), requires_grad=True)
    reference = torch.optim.Adam([theirs], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    for g in grads:
        adam.step({"w": g})
        theirs.grad = torch.tensor(g)
        reference.step()
    np.testing.assert_allclose(ours["w"], theirs.detach().numpy(), rtol=0, atol=1e-14)


def test_adam_refuses_read_only_weights():
    with pytest.raises(ValueError, match="read-only"):
        Adam(LSTMParams.init(1, 2).arrays())


def test_clipping_bounds_the_global_norm_and_keeps_the_direction():
    rng = np.random.default_rng(2)
    grads = {"a": rng.normal(size=(4, 3)) * 10, "b": rng.normal(size=7) * 10}
    before = {k: g.copy() for k, g in grads.items()}
    norm = clip_grad_norm(grads, 1.0)
    assert norm == pytest.approx(np.sqrt(sum((g**2).sum() for g in before.values())))
    assert global_norm(grads) <= 1.0
    assert global_norm(grads) == pytest.approx(1.0, rel=1e-5)
    for k in grads:
        np.testing.assert_allclose(grads[k] * norm / global_norm(grads), before[k], rtol=1e-5)


def test_adam_with_a_clip_scale_is_exactly_clipping_then_adam():
    # The training loop folds clipping into the update (one kernel call): same bits as clipping first.
    rng = np.random.default_rng(3)
    start = {"a": rng.normal(size=(4, 3)), "b": rng.normal(size=7)}
    fused, separate = {k: v.copy() for k, v in start.items()}, {k: v.copy() for k, v in start.items()}
    adam_fused, adam_separate = Adam(fused), Adam(separate)
    for _ in range(3):
        grads = {"a": rng.normal(size=(4, 3)) * 10, "b": rng.normal(size=7) * 10}
        adam_fused.step(grads, scale=clip_factor(global_norm(grads), 1.0))
        clipped = {k: g.copy() for k, g in grads.items()}
        clip_grad_norm(clipped, 1.0)
        adam_separate.step(clipped)
    for k in start:
        np.testing.assert_array_equal(fused[k], separate[k])
        assert not np.array_equal(fused[k], start[k])


def test_clipping_leaves_small_gradients_alone():
    grads = {"a": np.array([0.3, 0.4])}
    clip_grad_norm(grads, 1.0)
    np.testing.assert_array_equal(grads["a"], [0.3, 0.4])


# --- the objective ----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["lstm", "rnn"])
@pytest.mark.parametrize("task_name", ["adding", "temporal_order", "sine"])
def test_training_gradient_matches_finite_differences(model, task_name):
    # Head + BPTT: every element of all six arrays, on a tiny model (H = 3, T = 6, B = 3).
    task = make_task(task_name)
    weights = MODELS[model].init(task.input_size, 3, seed=4, forget_bias=1.0)
    weights.update(init_head(3, task.output_size, seed=4))
    batch = TimeMajorBatch.from_batch(task.sample(3, 6, seed=5))
    _, _, grads = loss_and_grads(MODELS[model], weights, batch)
    for name in ALL_NAMES:
        numeric = numerical_gradient(lambda: loss_and_grads(MODELS[model], weights, batch)[0], weights[name])
        if name.startswith("bias"):  # the kernels see b_ih + b_hh: both get the same gradient
            np.testing.assert_array_equal(grads["bias_ih"], grads["bias_hh"])
        assert relative_error(grads[name], numeric) < FD_TOL, name


def test_evaluate_scores_classification_by_argmax_of_the_readout():
    task = make_task("temporal_order")
    params = LSTMParams.init(task.input_size, 5, seed=1)
    head = init_head(5, task.output_size, seed=1)
    batch = task.sample(300, 12, seed=2)  # more than one evaluation chunk of 256
    logits = predict(params, head, batch.x)
    scored = batch.mask.astype(bool)
    expected = float(np.mean(np.argmax(logits, axis=-1)[scored] == batch.y[scored]))
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    cross_entropy = -np.mean(np.take_along_axis(log_p, batch.y[..., None], axis=-1)[..., 0][scored])
    result = evaluate(params, head, batch)
    assert result.accuracy == pytest.approx(expected)
    assert result.loss == pytest.approx(cross_entropy, rel=1e-12)
    assert result.mse is None


def test_evaluate_reports_the_masked_mse_of_a_regression():
    task = make_task("adding")
    params = LSTMParams.init(2, 5, seed=1)
    head = init_head(5, 1, seed=1)
    batch = task.sample(40, 10, seed=3)
    y_hat = predict(params, head, batch.x)[:, -1, 0]
    result = evaluate(params, head, batch)
    assert result.mse == pytest.approx(np.mean((y_hat - batch.y[:, -1, 0]) ** 2), rel=1e-12)
    assert result.accuracy is None and result.scored == 40


# --- the loop ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["lstm", "rnn"])
def test_training_loss_decreases_on_a_tiny_task(model):
    # Recall of a bit over 8 steps: short enough for the vanilla RNN too (chance: cross-entropy log 2 ≈ 0.69).
    config = TrainConfig(model=model, steps=200, seed=1, lr=0.03, **TINY)  # at lr 0.01 the tiny RNN needs > 200 steps
    result = train(make_task("recall", num_symbols=2), config)
    assert result.stopped == "steps" and result.steps_run == 200
    assert result.history[-20:].mean() < 0.25 * result.history[:20].mean()


def test_early_stop_at_target_loss():
    config = TrainConfig(steps=2000, target_loss=0.05, target_window=10, **TINY)
    result = train("adding", config)
    assert result.stopped == "target"
    assert 10 <= result.steps_run < 2000
    assert result.final_loss <= 0.05
    assert result.history[-10:].mean() == pytest.approx(result.final_loss)


@pytest.mark.parametrize("how", ["return_false", "raise"])
def test_cancel_through_the_callback_keeps_the_best_params(how):
    seen = []

    def callback(step, loss, progress):
        seen.append((step, loss, progress.smoothed_loss))
        if step == 40:
            if how == "raise":
                raise TrainingCancelled
            return False
        return None

    config = TrainConfig(steps=1000, lr=0.05, target_window=5, snapshot_steps=tuple(range(41)), **TINY)
    result = train("adding", config, callback)
    assert result.stopped == "cancelled" and result.steps_run == 40 and len(seen) == 40
    assert [s for s, _, _ in seen] == list(range(1, 41))
    smoothed = [m for _, _, m in seen]
    assert result.best_loss == min(smoothed)
    # best_step counts the updates behind the best smoothed loss; those are the params returned.
    assert result.best_step == int(np.argmin(smoothed))
    assert same_arrays(result.params, result.head, *result.snapshots[result.best_step])


def test_lstm_init_shifts_the_forget_and_input_gate_biases_only():
    task = make_task("adding")
    plain = train(task, TrainConfig(steps=0, forget_bias=0.0, snapshot_steps=(0,), **TINY)).snapshots[0][0]
    shifted = train(task, TrainConfig(steps=0, forget_bias=5.0, input_bias=-5.0, snapshot_steps=(0,), **TINY))
    hidden = TINY["hidden_size"]
    shift = shifted.snapshots[0][0].bias_ih - plain.bias_ih
    np.testing.assert_allclose(shift, np.repeat([-5.0, 5.0, 0.0, 0.0], hidden), atol=1e-15)  # gates i, f, g, o
    np.testing.assert_array_equal(shifted.snapshots[0][0].weight_hh, plain.weight_hh)
    with pytest.raises(ValueError, match="input_bias must be a finite number"):
        TrainConfig(input_bias=float("inf"))


def test_snapshots_at_requested_steps_show_before_during_and_after():
    config = TrainConfig(steps=30, snapshot_steps=(30, 0, 10, 500), forget_bias=1.0, **TINY)
    result = train("adding", config)
    assert sorted(result.snapshots) == [0, 10, 30]  # 500 was never reached
    initial = LSTMParams.init(2, TINY["hidden_size"], seed=0, forget_bias=1.0)
    start_params, start_head = result.snapshots[0]
    assert all(np.array_equal(start_params.arrays()[n], initial.arrays()[n]) for n in PARAM_NAMES)
    assert same_arrays(result.params, result.head, *result.snapshots[30])
    assert not same_arrays(start_params, start_head, *result.snapshots[10])


def test_time_budget_stops_after_the_budget():
    result = train("adding", TrainConfig(steps=10_000, time_budget=0.05, **TINY))
    assert result.stopped == "time" and 1 <= result.steps_run < 10_000
    assert result.wall_time >= 0.05


@pytest.mark.parametrize("model", ["lstm", "rnn"])
def test_same_seed_gives_bit_identical_runs(model):
    config = TrainConfig(model=model, steps=25, snapshot_steps=(5,), **TINY)
    first, second = train("recall", config), train("recall", config)
    np.testing.assert_array_equal(first.history, second.history)
    assert same_arrays(first.params, first.head, second.params, second.head)
    assert same_arrays(*first.snapshots[5], *second.snapshots[5])
    other = train("recall", TrainConfig(model=model, steps=25, seed=1, **TINY))
    assert not np.array_equal(first.history, other.history)


def test_rnn_and_lstm_train_through_the_same_interface():
    for model, kind in (("lstm", "LSTMParams"), ("rnn", "RNNParams")):
        result = train("temporal_order", TrainConfig(model=model, steps=3, **TINY))
        assert type(result.params).__name__ == kind
        assert result.head["head_weight"].shape == (4, TINY["hidden_size"])
        assert result.history.shape == result.grad_norms.shape == (3,)


def test_training_reuses_the_kernels_the_core_wrappers_compiled():
    # numba compiles one specialisation per writeable/read-only mix of arguments: training must pass
    # the same mix as lstm_forward_batch & co., or the app would compile every kernel twice.
    x = np.ones((2, 4, 2))
    lstm, rnn = LSTMParams.init(2, 3), RNNParams.init(2, 3)
    lstm_backward_batch(lstm, x, lstm_forward_batch(lstm, x), np.ones((2, 4, 3)))
    rnn_backward_batch(rnn, x, rnn_forward_batch(rnn, x), np.ones((2, 4, 3)))
    kernels = (lstm_forward_kernel, lstm_bptt, rnn_forward_kernel, rnn_bptt)  # the jitted part of each pass
    compiled = [set(k.signatures) for k in kernels]
    for model in ("lstm", "rnn"):
        train("adding", TrainConfig(model=model, steps=2, hidden_size=3, batch_size=2, length=4))
    assert [set(k.signatures) for k in kernels] == compiled


def test_float32_training_runs_in_float32():
    result = train("adding", TrainConfig(steps=5, dtype="float32", **TINY))
    assert result.params.dtype == np.float32 and result.head["head_weight"].dtype == np.float32


def test_test_batches_are_held_out_from_training_batches():
    held_out = held_out_batch("adding", 8, 8, seed=0)
    seen = [make_task("adding").sample(8, 8, s) for s in range(3)]
    assert all(not np.array_equal(held_out.x, batch.x) for batch in seen)
    np.testing.assert_array_equal(held_out.x, held_out_batch("adding", 8, 8, seed=0).x)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"model": "gru"}, "model must be"),
        ({"lr": 0.0}, "lr must be"),
        ({"steps": -1}, "steps must be"),
        ({"clip": float("nan")}, "clip must be"),
        ({"snapshot_steps": (-2,)}, "snapshot_steps"),
        ({"dtype": "float16"}, "dtype must be"),
    ],
)
def test_bad_config_is_refused_with_a_clear_message(options, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**options)


def test_the_callback_sees_each_snapshot_as_soon_as_it_is_kept_and_as_the_result_keeps_it():
    config = TrainConfig(hidden_size=4, batch_size=4, length=8, steps=6, snapshot_steps=(0, 2, 5), seed=3)
    seen, views = {}, []

    def callback(step, loss, progress):
        seen[step] = sorted(progress.snapshots)
        views.append(progress.snapshots)

    result = train("adding", config, callback)
    assert seen == {1: [0], 2: [0, 2], 3: [0, 2], 4: [0, 2], 5: [0, 2, 5], 6: [0, 2, 5]}
    for step, (params, head) in result.snapshots.items():
        live_params, live_head = views[-1][step]
        live = {**live_params.arrays(), **live_head}
        assert all(np.array_equal(array, live[name]) for name, array in {**params.arrays(), **head}.items())
    with pytest.raises(TypeError):
        views[0][99] = None  # a read-only view: the callback cannot change what training keeps
