"""Exceptions of the training package: each message says what went wrong and what to do."""


class ConfigMismatchError(ValueError):
    """A workdir holds a run whose configuration differs from the one asked for."""


class CheckpointError(RuntimeError):
    """A checkpoint or backup in a workdir is missing, corrupt or belongs to another model."""


class StrategyError(RuntimeError):
    """A distribution strategy could not be created (no TPU, bad TF_CONFIG, ...)."""
