"""Weights: PyTorch-default init, save/load round trips, hostile files, torch state dicts, bad inputs."""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np
import pytest
from numeric_checks import random_weights

from lstm_viz.core import (
    LSTMParams,
    RNNParams,
    gradient_flow,
    lstm_backward,
    lstm_forward,
    lstm_forward_batch,
    rnn_backward,
    rnn_forward,
)

MODELS = [pytest.param(LSTMParams, 4, id="lstm"), pytest.param(RNNParams, 1, id="rnn")]

# ----------------------------------------------------------------------------- init


@pytest.mark.parametrize(("cls", "gates"), MODELS)
def test_init_follows_pytorch_layout_and_range(cls, gates):
    input_size, hidden = 3, 16
    params = cls.init(input_size, hidden, seed=0)
    assert params.input_size == input_size and params.hidden_size == hidden
    assert params.dtype == np.float64
    shapes = {"weight_ih": (gates * hidden, input_size), "weight_hh": (gates * hidden, hidden)}
    shapes.update(bias_ih=(gates * hidden,), bias_hh=(gates * hidden,))
    bound = 1 / np.sqrt(hidden)  # PyTorch: U(−1/√H, 1/√H) for every tensor
    for name, array in params.arrays().items():
        assert array.shape == shapes[name], name
        assert np.all(np.abs(array) <= bound), name
    everything = np.concatenate([a.ravel() for a in params.arrays().values()])
    assert everything.max() > 0.9 * bound and everything.min() < -0.9 * bound  # the whole range is used


@pytest.mark.parametrize(("cls", "gates"), MODELS)
def test_init_is_reproducible_from_the_seed(cls, gates):
    first, again, other = cls.init(2, 3, seed=5), cls.init(2, 3, seed=5), cls.init(2, 3, seed=6)
    for name in first.arrays():
        assert np.array_equal(getattr(first, name), getattr(again, name)), name
    assert not np.array_equal(first.weight_hh, other.weight_hh)


@pytest.mark.parametrize(("cls", "gates"), MODELS)
def test_recurrent_scale_multiplies_weight_hh_only(cls, gates):
    base, scaled = cls.init(2, 3, seed=1), cls.init(2, 3, seed=1, recurrent_scale=3.0)
    assert np.array_equal(scaled.weight_hh, 3.0 * base.weight_hh)
    for name in ("weight_ih", "bias_ih", "bias_hh"):
        assert np.array_equal(getattr(scaled, name), getattr(base, name)), name


def test_forget_bias_is_added_to_the_forget_slice_of_bias_ih():
    hidden = 3
    base, biased = LSTMParams.init(2, hidden, seed=1), LSTMParams.init(2, hidden, seed=1, forget_bias=2.5)
    expected = base.bias_ih.copy()
    expected[hidden : 2 * hidden] += 2.5
    assert np.array_equal(biased.bias_ih, expected)
    for name in ("weight_ih", "weight_hh", "bias_hh"):
        assert np.array_equal(getattr(biased, name), getattr(base, name)), name


def test_rnn_init_rescales_to_the_requested_spectral_radius():
    params = RNNParams.init(2, 6, seed=3, spectral_radius=0.5)
    assert np.max(np.abs(np.linalg.eigvals(params.weight_hh))) == pytest.approx(0.5, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"input_size": 2, "hidden_size": 0}, "hidden_size"),
        ({"input_size": 0, "hidden_size": 2}, "input_size"),
        ({"input_size": 2, "hidden_size": 2.5}, "hidden_size"),
        ({"input_size": 2, "hidden_size": 2, "recurrent_scale": float("nan")}, "recurrent_scale"),
        ({"input_size": 2, "hidden_size": 2, "forget_bias": float("inf")}, "forget_bias"),
    ],
)
def test_init_refuses_nonsense_sizes_and_scales(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LSTMParams.init(**kwargs)


def test_replace_and_astype_give_validated_copies():
    params = LSTMParams.init(2, 3, seed=0)
    single = params.astype(np.float32)
    assert single.dtype == np.float32 and all(a.dtype == np.float32 for a in single.arrays().values())
    zeroed = params.replace(weight_hh=np.zeros((12, 3)))
    assert np.array_equal(zeroed.weight_hh, np.zeros((12, 3))) and np.array_equal(zeroed.weight_ih, params.weight_ih)
    with pytest.raises(ValueError, match="weight_hh"):
        params.replace(weight_hh=np.zeros((12, 4)))


def test_params_do_not_alias_the_callers_arrays():
    weights = random_weights(np.random.default_rng(0), 2, 3, 4)
    params = LSTMParams(**weights)
    weights["weight_hh"][:] = 0.0
    assert not np.array_equal(params.weight_hh, weights["weight_hh"])
    assert weights["weight_hh"].flags.writeable


# ----------------------------------------------------------------------------- save / load


@pytest.mark.parametrize(("cls", "gates"), MODELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_save_load_round_trip_is_exact(tmp_path, cls, gates, dtype):
    params = cls.init(3, 4, seed=2).astype(dtype)
    loaded = cls.load(params.save(tmp_path / "weights.npz"))
    assert loaded.dtype == dtype
    for name, array in params.arrays().items():
        assert getattr(loaded, name).dtype == dtype
        assert np.array_equal(getattr(loaded, name), array), name


def test_load_accepts_bytes_and_file_objects(tmp_path):
    params = LSTMParams.init(1, 2, seed=0)
    raw = params.save(tmp_path / "w.npz").read_bytes()
    for source in (raw, io.BytesIO(raw)):
        assert np.array_equal(LSTMParams.load(source).weight_hh, params.weight_hh)


def test_load_with_head_returns_the_readout_head(tmp_path):
    params = LSTMParams.init(2, 3, seed=0)
    head_weight, head_bias = np.arange(6.0).reshape(2, 3), np.array([0.5, -0.5])
    path = params.save(tmp_path / "w.npz", head_weight=head_weight, head_bias=head_bias)
    loaded, head = LSTMParams.load_with_head(path)
    assert np.array_equal(loaded.weight_ih, params.weight_ih)
    assert set(head) == {"head_weight", "head_bias"}
    assert np.array_equal(head["head_weight"], head_weight) and np.array_equal(head["head_bias"], head_bias)
    _, no_head = LSTMParams.load_with_head(params.save(tmp_path / "plain.npz"))
    assert no_head == {}


def test_head_of_the_wrong_width_is_refused(tmp_path):
    path = LSTMParams.init(2, 3).save(tmp_path / "w.npz", head_weight=np.ones((2, 4)), head_bias=np.ones(2))
    with pytest.raises(ValueError, match="head_weight"):
        LSTMParams.load_with_head(path)


def test_rnn_file_loaded_as_lstm_says_which_class_to_use(tmp_path):
    path = RNNParams.init(2, 4).save(tmp_path / "rnn.npz")
    with pytest.raises(ValueError, match=r"RNN weights.*RNNParams"):
        LSTMParams.load(path)
    lstm_path = LSTMParams.init(2, 4).save(tmp_path / "lstm.npz")
    with pytest.raises(ValueError, match=r"LSTM weights.*LSTMParams"):
        RNNParams.load(lstm_path)


UNPICKLED = []


def _record_unpickling():
    """Called only if someone unpickles the payload below."""
    UNPICKLED.append("payload ran")
    return 0.0


class _Payload:
    def __reduce__(self):
        return (_record_unpickling, ())


def test_pickled_object_array_is_refused_without_running_it(tmp_path):
    path = tmp_path / "evil.npz"
    good = LSTMParams.init(1, 1).arrays()
    payload = np.empty(1, dtype=object)
    payload[0] = _Payload()
    np.savez(path, **{**good, "weight_ih": payload})
    with np.load(path, allow_pickle=True) as unsafe:  # the payload is real: unsafe loading runs it
        unsafe["weight_ih"]
    assert UNPICKLED == ["payload ran"]
    UNPICKLED.clear()

    with pytest.raises(ValueError, match=r"objects|pickle"):
        LSTMParams.load(path)
    assert UNPICKLED == []


def test_raw_pickle_disguised_as_weights_is_refused(tmp_path):
    path = tmp_path / "weights.npz"
    path.write_bytes(pickle.dumps(_Payload()))
    with pytest.raises(ValueError, match=r"not a NumPy \.npz"):
        LSTMParams.load(path)
    assert UNPICKLED == []


def test_unexpected_array_names_are_refused(tmp_path):
    path = tmp_path / "extra.npz"
    np.savez(path, **LSTMParams.init(1, 1).arrays(), surprise=np.zeros(3))
    with pytest.raises(ValueError, match="unexpected arrays: surprise"):
        LSTMParams.load(path)


def test_missing_arrays_are_named(tmp_path):
    path = tmp_path / "partial.npz"
    arrays = LSTMParams.init(1, 1).arrays()
    del arrays["bias_hh"]
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="missing bias_hh"):
        LSTMParams.load(path)


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("these are not weights")
    with pytest.raises(ValueError, match=r"not a NumPy \.npz"):
        LSTMParams.load(path)


def test_a_zip_with_foreign_members_is_refused(tmp_path):
    path = tmp_path / "foreign.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("weight_ih.txt", "1 2 3")
    with pytest.raises(ValueError, match="not NumPy arrays"):
        LSTMParams.load(path)


def test_weights_file_with_nan_is_refused(tmp_path):
    arrays = LSTMParams.init(1, 2).arrays()
    arrays["weight_hh"] = arrays["weight_hh"].copy()
    arrays["weight_hh"][1, 0] = np.nan
    path = tmp_path / "nan.npz"
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="weight_hh contains NaN"):
        LSTMParams.load(path)


# ----------------------------------------------------------------------------- PyTorch state dicts


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_torch_state_dict_round_trip(torch, kind):
    module = (torch.nn.LSTM if kind == "lstm" else torch.nn.RNN)(3, 4).double()
    cls = LSTMParams if kind == "lstm" else RNNParams
    params = cls.from_torch_state_dict(module.state_dict())
    for name, array in params.arrays().items():
        assert np.array_equal(array, getattr(module, f"{name}_l0").detach().numpy()), name
    fresh = (torch.nn.LSTM if kind == "lstm" else torch.nn.RNN)(3, 4).double()
    fresh.load_state_dict(params.to_torch_state_dict())  # strict: exactly the keys nn.LSTM expects
    again = cls.from_torch_state_dict(fresh.state_dict())
    for name, array in params.arrays().items():
        assert np.array_equal(getattr(again, name), array), name


def test_torch_float32_state_dict_gives_float32_params(torch):
    params = LSTMParams.from_torch_state_dict(torch.nn.LSTM(2, 3).state_dict())
    assert params.dtype == np.float32


def test_torch_state_dict_of_a_larger_model_finds_the_layer(torch):
    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(2, 3)
            self.head = torch.nn.Linear(3, 1)

    model = Model()
    params = LSTMParams.from_torch_state_dict(model.state_dict())
    assert np.array_equal(params.weight_hh, model.lstm.weight_hh_l0.detach().numpy())


def test_bidirectional_torch_lstm_is_refused(torch):
    with pytest.raises(ValueError, match="bidirectional"):
        LSTMParams.from_torch_state_dict(torch.nn.LSTM(2, 3, bidirectional=True).state_dict())


def test_torch_lstm_without_bias_is_refused(torch):
    with pytest.raises(ValueError, match="bias_ih_l0"):
        LSTMParams.from_torch_state_dict(torch.nn.LSTM(2, 3, bias=False).state_dict())


# ----------------------------------------------------------------------------- bad weights


def _weights(**override):
    weights = random_weights(np.random.default_rng(0), 2, 3, 4)
    weights.update(override)
    return weights


@pytest.mark.parametrize(
    ("override", "match"),
    [
        ({"weight_ih": np.zeros((10, 2))}, r"weight_ih must have shape \(4H, D\)"),
        ({"weight_ih": np.zeros(12)}, "weight_ih must have shape"),
        ({"weight_hh": np.zeros((12, 4))}, r"weight_hh must have shape \(12, 3\)"),
        ({"bias_ih": np.zeros(11)}, "bias_ih must have shape"),
        ({"bias_hh": np.zeros((12, 1))}, "bias_hh must have shape"),
        ({"weight_hh": np.full((12, 3), np.nan)}, "weight_hh contains NaN"),
        ({"bias_ih": np.full(12, np.inf)}, "bias_ih contains inf"),
        ({"weight_ih": np.zeros((12, 2), dtype=complex)}, "weight_ih must hold real numbers"),
        ({"weight_ih": np.full((12, 2), "0.1")}, "weight_ih must hold real numbers"),
        ({"weight_ih": np.zeros((12, 2), dtype=object)}, "weight_ih must hold real numbers"),
        ({"weight_ih": np.zeros((12, 2), dtype=np.float16)}, "weight_ih has dtype float16"),
    ],
)
def test_bad_weights_are_refused_with_a_message_naming_them(override, match):
    with pytest.raises(ValueError, match=match):
        LSTMParams(**_weights(**override))


def test_mixed_float32_and_integer_weights_share_one_dtype():
    weights = {k: v.astype(np.float32) for k, v in _weights().items()}
    weights["bias_hh"] = np.zeros(12, dtype=np.int64)
    params = LSTMParams(**weights)
    assert len({a.dtype for a in params.arrays().values()}) == 1
    lstm_forward(params, np.zeros((2, 2)))


# ----------------------------------------------------------------------------- bad inputs to the kernels

HIDDEN, INPUT = 3, 2


@pytest.fixture(scope="module")
def lstm():
    return LSTMParams.init(INPUT, HIDDEN, seed=0)


@pytest.fixture(scope="module")
def rnn():
    return RNNParams.init(INPUT, HIDDEN, seed=0)


BAD_X = [
    pytest.param(np.zeros((4, 3)), r"x has 3 input features .*D = 2", id="wrong-D"),
    pytest.param(np.zeros((4, 2, 1)), "x must be a 2-D array", id="3-D"),
    pytest.param(np.zeros(4), "x must be a 2-D array", id="1-D-with-D-2"),
    pytest.param(np.zeros((0, 2)), "x is an empty sequence", id="empty"),
    pytest.param(np.array([[0.0, np.nan]]), "x contains NaN", id="nan"),
    pytest.param(np.array([[np.inf, 0.0]]), "x contains inf", id="inf"),
    pytest.param(np.zeros((4, 2), dtype=complex), "x must hold real numbers", id="complex"),
    pytest.param(np.full((4, 2), "a"), "x must hold real numbers", id="strings"),
    pytest.param(np.array([[0.0, None]], dtype=object), "x must hold real numbers", id="object"),
    pytest.param(np.zeros((4, 2), dtype=np.float16), "x has dtype float16", id="float16"),
]


@pytest.mark.parametrize(("x", "match"), BAD_X)
def test_bad_lstm_input_sequence_is_refused(lstm, x, match):
    with pytest.raises(ValueError, match=match):
        lstm_forward(lstm, x)


@pytest.mark.parametrize(("x", "match"), BAD_X)
def test_bad_rnn_input_sequence_is_refused(rnn, x, match):
    with pytest.raises(ValueError, match=match):
        rnn_forward(rnn, x)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"h0": np.zeros(4)}, r"h0 must have shape \(3,\)"),
        ({"c0": np.zeros((1, 3))}, r"c0 must have shape \(3,\)"),
        ({"h0": np.array([0.0, np.nan, 0.0])}, "h0 contains NaN"),
        ({"c0": np.array([0.0, 0.0, -np.inf])}, "c0 contains inf"),
        ({"h0": np.zeros(3, dtype=complex)}, "h0 must hold real numbers"),
    ],
)
def test_bad_initial_state_is_refused(lstm, kwargs, match):
    with pytest.raises(ValueError, match=match):
        lstm_forward(lstm, np.zeros((4, INPUT)), **kwargs)


def test_bad_batch_is_refused(lstm):
    with pytest.raises(ValueError, match=r"x must be a 3-D array \(B, T, D\)"):
        lstm_forward_batch(lstm, np.zeros((4, INPUT)))
    with pytest.raises(ValueError, match="x is empty"):
        lstm_forward_batch(lstm, np.zeros((2, 0, INPUT)))
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 3\)"):
        lstm_forward_batch(lstm, np.zeros((2, 4, INPUT)), h0=np.zeros((3, HIDDEN)))


def test_bad_upstream_gradients_are_refused(lstm, rnn):
    x = np.zeros((4, INPUT))
    trace = lstm_forward(lstm, x)
    with pytest.raises(ValueError, match=r"dh must have shape \(4, 3\)"):
        lstm_backward(lstm, x, trace, np.zeros((3, HIDDEN)))
    with pytest.raises(ValueError, match="dh contains NaN"):
        lstm_backward(lstm, x, trace, np.full((4, HIDDEN), np.nan))
    with pytest.raises(ValueError, match=r"dc_last must have shape \(3,\)"):
        lstm_backward(lstm, x, trace, np.zeros((4, HIDDEN)), np.zeros(2))
    with pytest.raises(ValueError, match="trace"):
        lstm_backward(lstm, np.zeros((5, INPUT)), trace, np.zeros((5, HIDDEN)))
    with pytest.raises(ValueError, match=r"dh must have shape \(4, 3\)"):
        rnn_backward(rnn, x, rnn_forward(rnn, x), np.zeros((4, 2)))


def test_params_of_the_other_model_are_refused(lstm, rnn):
    with pytest.raises(ValueError, match="expected LSTMParams"):
        lstm_forward(rnn, np.zeros((4, INPUT)))
    with pytest.raises(ValueError, match="expected RNNParams"):
        rnn_forward(lstm, np.zeros((4, INPUT)))
    with pytest.raises(ValueError, match="expected LSTMParams or RNNParams"):
        gradient_flow(lstm.arrays(), np.zeros((4, INPUT)))


def test_gradient_flow_refuses_a_cell_state_for_an_rnn(rnn):
    with pytest.raises(ValueError, match="c0"):
        gradient_flow(rnn, np.zeros((4, INPUT)), c0=np.zeros(HIDDEN))


def test_gradient_flow_refuses_a_bad_dh_last(lstm):
    with pytest.raises(ValueError, match=r"dh_last must have shape \(3,\)"):
        gradient_flow(lstm, np.zeros((4, INPUT)), dh_last=np.ones(2))
    with pytest.raises(ValueError, match="dh_last contains NaN"):
        gradient_flow(lstm, np.zeros((4, INPUT)), dh_last=np.array([1.0, np.nan, 0.0]))


def test_trace_of_the_other_model_is_refused(lstm, rnn):
    x, dh = np.zeros((4, INPUT)), np.zeros((4, HIDDEN))
    with pytest.raises(ValueError, match="trace"):
        lstm_backward(lstm, x, rnn_forward(rnn, x), dh)
    with pytest.raises(ValueError, match="trace"):
        rnn_backward(rnn, x, lstm_forward(lstm, x), dh)
