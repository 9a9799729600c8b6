"""User-facing errors. Anything raised as a SpecDiffError is the user's to fix and its
message says how; the CLI prints it as one line and the app shows it in place."""

from __future__ import annotations


class SpecDiffError(ValueError):
    """Base class of every error a user can cause."""


class GraphError(SpecDiffError):
    """A graph or graph file the project cannot use."""


class ConfigError(SpecDiffError):
    """A setting out of range or inconsistent with another."""


class CheckpointError(SpecDiffError):
    """A model file that is truncated, tampered with, foreign or from another version."""


class EncoderError(SpecDiffError):
    """An export whose encoder is not installed or failed (MP4 needs imageio-ffmpeg)."""
