"""Views that explain a model rather than run it: input connectivity, gate saturation, the gradient story."""

from .connectivity import Connectivity, input_connectivity
from .gradient_story import FORGET_BIASES, SPECTRAL_RADII, GradientCurve, GradientStory, gradient_story
from .saturation import GATE_NAMES, GateSaturation, Saturation, gate_saturation

__all__ = [
    "FORGET_BIASES",
    "GATE_NAMES",
    "SPECTRAL_RADII",
    "Connectivity",
    "GateSaturation",
    "GradientCurve",
    "GradientStory",
    "Saturation",
    "gate_saturation",
    "gradient_story",
    "input_connectivity",
]
