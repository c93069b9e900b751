"""Exceptions raised by the data module."""


class DatasetUnavailableError(RuntimeError):
    """A named dataset could not be loaded or downloaded.

    Raised instead of tensorflow_datasets' own errors (which, offline, are a
    bare `AssertionError` or a network error after minutes of retries); the
    message says how to make the data available. The original error is
    chained as `__cause__`.
    """
