"""PyTorch autograd as a second, external reference (float64). Pass the imported ``torch`` module in.

Loss everywhere: L = Σ_t dh[t] · h_t (+ dc_last · c_T for the LSTM), matching ``reference_lstm``.
"""

from __future__ import annotations

import numpy as np

PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _module(torch, kind, weights):
    input_size = weights["weight_ih"].shape[1]
    hidden = weights["weight_hh"].shape[1]
    cls = torch.nn.LSTM if kind == "lstm" else torch.nn.RNN
    module = cls(input_size, hidden, batch_first=True).double()
    module.load_state_dict({f"{n}_l0": torch.tensor(np.asarray(weights[n], dtype=np.float64)) for n in PARAM_NAMES})
    return module


def autograd(torch, kind, weights, x, dh, h0=None, c0=None, dc_last=None):
    """Run ``nn.LSTM``/``nn.RNN`` on x (T, D) or (B, T, D); return outputs and every gradient as numpy."""
    batched = np.ndim(x) == 3
    x3 = np.asarray(x, dtype=np.float64) if batched else np.asarray(x, dtype=np.float64)[None]
    batch, hidden = x3.shape[0], weights["weight_hh"].shape[1]

    def state(value):
        value = np.zeros((batch, hidden)) if value is None else np.broadcast_to(value, (batch, hidden))
        return torch.tensor(np.array(value, dtype=np.float64)[None], requires_grad=True)

    module = _module(torch, kind, weights)
    xt = torch.tensor(x3, requires_grad=True)
    h0t = state(h0)
    if kind == "lstm":
        c0t = state(c0)
        out, (_, c_last) = module(xt, (h0t, c0t))
    else:
        out, _ = module(xt, h0t)
    dh3 = np.asarray(dh, dtype=np.float64) if batched else np.asarray(dh, dtype=np.float64)[None]
    loss = (out * torch.tensor(dh3)).sum()
    if kind == "lstm" and dc_last is not None:
        loss = loss + (c_last[0] * torch.tensor(np.broadcast_to(dc_last, (batch, hidden)).copy())).sum()
    loss.backward()

    def unbatch(a):
        return a if batched else a[0]

    result = {
        "h": unbatch(out.detach().numpy()),
        "dx": unbatch(xt.grad.numpy()),
        "dh0": unbatch(h0t.grad.numpy()[0]),
        **{n: getattr(module, f"{n}_l0").grad.numpy() for n in PARAM_NAMES},
    }
    if kind == "lstm":
        result["c_last"] = unbatch(c_last.detach().numpy()[0])
        result["dc0"] = unbatch(c0t.grad.numpy()[0])
    return result


def lstm_total_gradients(torch, weights, x, dh, h0, c0, dc_last):
    """∂L/∂h_t and ∂L/∂c_t through *all* later steps, from an explicit LSTM loop with retain_grad."""
    w = {n: torch.tensor(np.asarray(weights[n], dtype=np.float64)) for n in PARAM_NAMES}
    hidden = w["weight_hh"].shape[1]
    h = torch.tensor(np.asarray(h0, dtype=np.float64), requires_grad=True)
    c = torch.tensor(np.asarray(c0, dtype=np.float64), requires_grad=True)
    hs, cs = [], []
    for x_t in torch.tensor(np.asarray(x, dtype=np.float64)):
        z = w["weight_ih"] @ x_t + w["bias_ih"] + w["weight_hh"] @ h + w["bias_hh"]
        z_i, z_f, z_g, z_o = z.split(hidden)
        c = torch.sigmoid(z_f) * c + torch.sigmoid(z_i) * torch.tanh(z_g)
        h = torch.sigmoid(z_o) * torch.tanh(c)
        for seq, value in ((hs, h), (cs, c)):
            value.retain_grad()
            seq.append(value)
    loss = (torch.stack(hs) * torch.tensor(dh)).sum() + (cs[-1] * torch.tensor(dc_last)).sum()
    loss.backward()
    return np.stack([v.grad.numpy() for v in hs]), np.stack([v.grad.numpy() for v in cs])
