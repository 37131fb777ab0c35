"""Input connectivity against finite differences; gate saturation against hand-counted traces."""

import numpy as np
import pytest

from lstm_viz.analysis import gate_saturation, input_connectivity
from lstm_viz.core import LSTMParams, LSTMTrace, RNNParams, lstm_forward, rnn_forward
from lstm_viz.presets import get_preset

EPS = 1e-6  # central-difference step: error O(EPS²) ≈ 1e-12, well under the 1e-7 tolerance
FD_TOLERANCE = 1e-7


def tiny_model(kind, seed=0):
    cls = LSTMParams if kind == "lstm" else RNNParams
    return cls.init(input_size=2, hidden_size=3, seed=seed, recurrent_scale=2.0)


def last_hidden(params, x):
    run = lstm_forward if isinstance(params, LSTMParams) else rnn_forward
    return run(params, x).h[-1]


def finite_difference_jacobian(readout, x):
    """∂readout(x)/∂x[t, d] by central differences: (R, T, D)."""
    out = []
    for t in range(x.shape[0]):
        for d in range(x.shape[1]):
            up, down = x.copy(), x.copy()
            up[t, d] += EPS
            down[t, d] -= EPS
            out.append((readout(up) - readout(down)) / (2 * EPS))
    return np.array(out).T.reshape(-1, *x.shape)


def a_head(outputs=2, hidden=3, seed=1):
    rng = np.random.default_rng(seed)
    return {"head_weight": rng.normal(size=(outputs, hidden)), "head_bias": rng.normal(size=outputs)}


@pytest.fixture
def x():
    return np.random.default_rng(7).normal(size=(6, 2))


# ---------------------------------------------------------------- connectivity


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_connectivity_of_one_head_output_matches_finite_differences(kind, x):
    params, head = tiny_model(kind), a_head()
    conn = input_connectivity(params, x, head=head, output=1)
    fd = finite_difference_jacobian(lambda z: head["head_weight"][[1]] @ last_hidden(params, z), x)
    np.testing.assert_allclose(conn.jacobian, fd, atol=FD_TOLERANCE)
    np.testing.assert_allclose(conn.norm, np.linalg.norm(fd[0], axis=1), atol=FD_TOLERANCE)
    y = head["head_weight"][1] @ last_hidden(params, x) + head["head_bias"][1]
    assert conn.y == pytest.approx([y])


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_connectivity_of_a_multi_output_head_is_the_frobenius_norm_of_the_jacobian(kind, x):
    params, head = tiny_model(kind), a_head(outputs=3)
    conn = input_connectivity(params, x, head=head)
    fd = finite_difference_jacobian(lambda z: head["head_weight"] @ last_hidden(params, z), x)
    assert conn.jacobian.shape == (3, 6, 2)
    np.testing.assert_allclose(conn.norm, np.sqrt((fd**2).sum(axis=(0, 2))), atol=FD_TOLERANCE)
    assert "Frobenius" in conn.readout


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_connectivity_without_a_head_reads_the_sum_of_h_or_one_unit(kind, x):
    params = tiny_model(kind)
    total = input_connectivity(params, x)
    fd_total = finite_difference_jacobian(lambda z: np.array([last_hidden(params, z).sum()]), x)
    np.testing.assert_allclose(total.jacobian, fd_total, atol=FD_TOLERANCE)
    unit = input_connectivity(params, x, unit=2)
    fd_unit = finite_difference_jacobian(lambda z: last_hidden(params, z)[[2]], x)
    np.testing.assert_allclose(unit.jacobian, fd_unit, atol=FD_TOLERANCE)
    np.testing.assert_array_equal(unit.lag, np.arange(5, -1, -1))


def test_latch_answer_depends_on_the_store_step_and_not_on_the_distractors():
    preset = get_preset("latch")
    conn = input_connectivity(preset.params, preset.inputs, unit=0)
    store = preset.focus_step
    others = np.delete(conn.norm, store)
    assert np.argmax(conn.norm) == store
    assert conn.norm[store] > 1000 * others.max()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"output": 0}, "without a head"),
        ({"head": a_head(), "unit": 0}, "with a readout head"),
        ({"head": a_head(), "output": 2}, "from 0 to 1"),
        ({"unit": 3}, "from 0 to 2"),
        ({"head": {"head_weight": np.ones((2, 4)), "head_bias": np.ones(2)}}, r"head_weight \(O, 3\)"),
        ({"head": {"head_weight": np.ones((2, 3))}}, "head_bias"),
    ],
)
def test_connectivity_refuses_an_unclear_readout(kwargs, message, x):
    with pytest.raises(ValueError, match=message):
        input_connectivity(tiny_model("lstm"), x, **kwargs)


# ---------------------------------------------------------------- gate saturation


def hand_built_trace(i, f, o):
    """An LSTMTrace whose gates are given (T, H) arrays; the other fields are placeholders."""
    zeros = np.zeros_like(i)
    return LSTMTrace(
        x=np.zeros((i.shape[-2], 1)), preact=np.zeros((*i.shape[:-1], 4 * i.shape[-1])),
        i=i, f=f, g=zeros, o=o, c=zeros, h=zeros, tanh_c=zeros,
        h0=np.zeros(i.shape[-1]), c0=np.zeros(i.shape[-1]),
    )  # fmt: skip


def test_saturation_fractions_on_a_hand_built_trace():
    # 10 steps, 2 units. Unit 0 of i: 3 steps shut, 5 wide open, 2 between; unit 1: all at 0.5.
    # The thresholds are strict: exactly 0.1 or 0.9 counts as neither.
    i = np.array([[0.0, 0.5]] * 3 + [[0.95, 0.5]] * 5 + [[0.1, 0.5], [0.9, 0.5]])
    f = np.full((10, 2), 0.99)
    o = np.array([[0.05, 0.95]] * 10)
    sat = gate_saturation(hand_built_trace(i, f, o))
    np.testing.assert_allclose(sat["i"].low, [0.3, 0.0])
    np.testing.assert_allclose(sat["i"].high, [0.5, 0.0])
    np.testing.assert_allclose(sat["i"].unsaturated, [0.2, 1.0])
    assert sat["i"].overall_low == pytest.approx(0.15) and sat["i"].overall_high == pytest.approx(0.25)
    np.testing.assert_allclose(sat.f.high, [1.0, 1.0])
    np.testing.assert_allclose(sat.o.low, [1.0, 0.0])
    np.testing.assert_allclose(sat.o.high, [0.0, 1.0])
    assert sat.samples == 10 and [g.gate for g in sat.gates] == ["i", "f", "o"]


def test_saturation_pools_a_batch_of_traces():
    one = np.array([[0.0], [0.5]])
    two = np.array([[0.95], [0.95]])
    batch = np.stack([one, two])  # (B=2, T=2, H=1)
    sat = gate_saturation(hand_built_trace(batch, batch, batch))
    assert sat.samples == 4
    assert sat.i.low == pytest.approx([0.25]) and sat.i.high == pytest.approx([0.5])


def test_saturation_thresholds_are_adjustable():
    i = np.array([[0.15], [0.5], [0.85]])
    sat = gate_saturation(hand_built_trace(i, i, i), low=0.2, high=0.8)
    assert sat.i.low == pytest.approx([1 / 3]) and sat.i.high == pytest.approx([1 / 3])
    assert (sat.low_threshold, sat.high_threshold) == (0.2, 0.8)


def test_latch_gates_live_at_their_edges():
    preset = get_preset("latch")
    sat = gate_saturation(preset.run())
    steps = preset.length
    assert sat.i.low == pytest.approx([(steps - 1) / steps]) and sat.i.high == pytest.approx([1 / steps])
    assert sat.f.high == pytest.approx([1.0])
    assert sat.o.low == pytest.approx([(steps - 1) / steps]) and sat.o.high == pytest.approx([1 / steps])


def test_saturation_refuses_a_vanilla_rnn_and_bad_thresholds():
    preset = get_preset("vanishing_rnn")
    with pytest.raises(ValueError, match="no gates"):
        gate_saturation(preset.run())
    with pytest.raises(ValueError, match="low < high"):
        gate_saturation(get_preset("latch").run(), low=0.9, high=0.1)
    with pytest.raises(KeyError, match="the gates are i, f, o"):
        gate_saturation(get_preset("latch").run())["g"]
