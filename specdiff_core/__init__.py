"""SpecDiff Explorer core: graphs, effective resistance, the Spectral Oracle, standard
vs spectrally-weighted discrete edge diffusion, metrics and the paper's experiments.

This package never imports streamlit; the app in ``app.py``/``pages/`` is a thin layer on it.
"""

from .errors import CheckpointError, ConfigError, GraphError, SpecDiffError

__version__ = "0.3.0"
__all__ = ["CheckpointError", "ConfigError", "GraphError", "SpecDiffError", "__version__"]
