"""Shared fixtures and settings for the core tests."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# No deadline: the first call in a process includes numba's compile (or cache load) time.
# derandomize keeps CI reproducible; run with HYPOTHESIS_PROFILE=explore to search afresh.
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def torch():
    """PyTorch (the cross-check reference), or a skip saying why when it is not installed."""
    return pytest.importorskip("torch", reason="torch is the optional cross-check reference (requirements-dev.txt)")


@pytest.fixture
def rng():
    return np.random.default_rng(20261125)
