"""Callbacks of a training run: resumable backups, checkpoints and the metrics file."""

import json
import os
import time

import keras
import numpy as np

from keras_pixelrnn.training import workdir as wd
from keras_pixelrnn.training.errors import CheckpointError


class Backup(keras.callbacks.BackupAndRestore):
    """``BackupAndRestore`` that writes its files atomically, keeps them when training ends
    (so that a finished run can be continued with more epochs) and turns a failed restore
    into a :class:`CheckpointError` saying which file is bad and what to do.

    The backup (weights, optimizer state, epoch counter) is written at the end of every
    epoch: a run killed mid-epoch resumes at the start of that epoch.
    """

    def __init__(self, backup_dir, workdir=None):
        super().__init__(backup_dir, save_freq="epoch", delete_checkpoint=False)
        self.workdir = workdir
        self.weights_file = os.path.join(backup_dir, "latest.weights.h5")
        self.metadata_file = os.path.join(backup_dir, "training_metadata.json")

    def saved_epoch(self):
        """Number of completed epochs in the backup (0 when there is none)."""
        try:
            with open(self.metadata_file) as f:
                return int(json.load(f)["epoch"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def on_train_begin(self, logs=None):
        try:
            super().on_train_begin(logs)
        except Exception as err:  # noqa: BLE001 - any failure here means a bad backup.
            reason = str(err).strip().splitlines()[0] if str(err).strip() else ""
            where = self.workdir or os.path.dirname(self.backup_dir)
            raise CheckpointError(
                f"Could not restore the training backup {self.weights_file}: it is corrupt or "
                f"was written by another model ({type(err).__name__}: {reason[:300]}). To "
                f"train again from the start in this workdir, delete {self.backup_dir}; or "
                f"use a new workdir (or delete {where}).") from err

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(self.backup_dir, exist_ok=True)
        tmp = self.weights_file + ".tmp.weights.h5"
        self.model.save_weights(tmp, overwrite=True)
        os.replace(tmp, self.weights_file)
        wd.write_json(self.metadata_file, {"epoch": epoch + 1, "batch": 0})


def _atomic_save(model, file):
    tmp = os.path.join(os.path.dirname(file), ".tmp-" + os.path.basename(file))
    model.save(tmp, overwrite=True)
    os.replace(tmp, file)


class SaveCheckpoints(keras.callbacks.Callback):
    """Saves ``last.keras`` after every epoch and ``best.keras`` when ``monitor`` improves
    (atomically: a killed run never leaves a truncated file).

    Args:
        directory: where to write.
        monitor: a log key to minimise (e.g. ``"val_loss"``), or ``None``: no best model.
        best: the best value so far (from an earlier, resumed part of the run).
    """

    def __init__(self, directory, monitor=None, best=None):
        super().__init__()
        self.directory = directory
        self.monitor = monitor
        self.best = np.inf if best is None else float(best)

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(self.directory, exist_ok=True)
        _atomic_save(self.model, os.path.join(self.directory, "last.keras"))
        value = (logs or {}).get(self.monitor) if self.monitor else None
        if value is not None and float(value) < self.best:
            self.best = float(value)
            _atomic_save(self.model, os.path.join(self.directory, "best.keras"))


def current_learning_rate(optimizer):
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


class MetricsLog(keras.callbacks.Callback):
    """Records one entry per completed epoch (``epoch`` counted from 1, the logged metrics,
    the learning rate at its end and its duration) in ``entries`` and, with a ``file``, in
    ``metrics.json``. A resumed run starts from the file's entries and replaces those of the
    epochs it trains again, so the file always holds each epoch once."""

    def __init__(self, file=None):
        super().__init__()
        self.file = file
        self.entries = wd.read_metrics_file(file) if file else []
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        entry = {"epoch": epoch + 1}
        entry.update({k: float(v) for k, v in (logs or {}).items()
                      if np.ndim(v) == 0 and k != "learning_rate"})
        entry["learning_rate"] = current_learning_rate(self.model.optimizer)
        entry["seconds"] = round(time.perf_counter() - (self._start or time.perf_counter()), 3)
        self.entries = [e for e in self.entries if e.get("epoch", 0) < epoch + 1] + [entry]
        if self.file:
            wd.write_json(self.file, {"epochs": self.entries})
