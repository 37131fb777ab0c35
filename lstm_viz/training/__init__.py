"""Training the LSTM and the vanilla RNN: Adam on full BPTT with a linear readout head.

    from lstm_viz.training import TrainConfig, train, evaluate, held_out_batch
    result = train("adding", TrainConfig(model="lstm", hidden_size=32, steps=3000, target_loss=0.005))
    evaluate(result.params, result.head, held_out_batch("adding", 1000, 50, seed=0)).mse

Modules: ``train`` (the loop and its config), ``objective`` (readout + loss + gradients),
``optim`` (Adam, clipping), ``recurrent`` (the two models on the core's kernels), ``kernels`` (numba).
"""

from .objective import Evaluation, TimeMajorBatch, evaluate, init_head, loss_and_grads, predict
from .optim import Adam, clip_grad_norm, global_norm
from .recurrent import MODELS, LSTMModel, RNNModel
from .train import (
    LONG_LAG_FORGET_BIAS,
    LONG_LAG_INPUT_BIAS,
    STOP_REASONS,
    Progress,
    TrainConfig,
    TrainingCancelled,
    TrainResult,
    batch_seed,
    held_out_batch,
    train,
)

__all__ = [
    "LONG_LAG_FORGET_BIAS",
    "LONG_LAG_INPUT_BIAS",
    "MODELS",
    "STOP_REASONS",
    "Adam",
    "Evaluation",
    "LSTMModel",
    "Progress",
    "RNNModel",
    "TimeMajorBatch",
    "TrainConfig",
    "TrainResult",
    "TrainingCancelled",
    "batch_seed",
    "clip_grad_norm",
    "evaluate",
    "global_norm",
    "held_out_batch",
    "init_head",
    "loss_and_grads",
    "predict",
    "train",
]
