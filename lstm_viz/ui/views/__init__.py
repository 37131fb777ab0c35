"""The seven views, in tab order (the order of ``Scenario.VIEWS``).

Each module has LABEL (its tab), NOTES ("what to look at"), USES_STEP (draw the step controls) and render(ctx).
"""

from __future__ import annotations

from types import ModuleType

from . import belt, cell, equations, gradients, heatmaps, memory, train

VIEW_MODULES: dict[str, ModuleType] = {
    "cell": cell,
    "belt": belt,
    "heatmaps": heatmaps,
    "equations": equations,
    "gradients": gradients,
    "memory": memory,
    "train": train,
}
