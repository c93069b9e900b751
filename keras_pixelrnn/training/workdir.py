"""The layout of a workdir, and loading its models with errors that say what to do.

```
WORKDIR/
  config.json               the TrainConfig of the run (checked when train is rerun)
  metrics.json              per-epoch history, kept across resumes
  training_curves.png       bits/dim per epoch (written when train ends)
  checkpoints/last.keras    the model after the last completed epoch
  checkpoints/best.keras    the model with the lowest validation loss (with validation)
  backup/                   BackupAndRestore state: weights, optimizer, epoch counter
  logs/                     TensorBoard
  evaluation.json           results of `evaluate`
```
"""

import json
import os
import zipfile

import keras

from keras_pixelrnn.models import MultiScaleModel, PixelModel
from keras_pixelrnn.training.config import CONFIG_FILE, TrainConfig
from keras_pixelrnn.training.errors import CheckpointError

CHECKPOINTS = "checkpoints"
BACKUP = "backup"
LOGS = "logs"
METRICS = "metrics.json"
CURVES = "training_curves.png"
EVALUATION = "evaluation.json"


def path(workdir, *parts):
    return os.path.join(os.fspath(workdir), *parts)


def checkpoint_path(workdir, checkpoint="last"):
    """``checkpoints/last.keras`` or ``best.keras`` of a workdir, or ``checkpoint`` itself
    when it is a path to a ``.keras`` file."""
    if checkpoint in ("last", "best"):
        return path(workdir, CHECKPOINTS, f"{checkpoint}.keras")
    return os.fspath(checkpoint)


def read_metrics(workdir):
    """The per-epoch entries of a workdir's ``metrics.json`` (``[]`` when there is none)."""
    return read_metrics_file(path(workdir, METRICS))


def read_metrics_file(file):
    """The per-epoch entries of a metrics file (``[]`` when there is none)."""
    if not os.path.exists(file):
        return []
    try:
        with open(file) as f:
            return list(json.load(f)["epochs"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def write_json(file, content):
    """Writes JSON atomically (a killed process leaves the old file or the new one)."""
    os.makedirs(os.path.dirname(file) or ".", exist_ok=True)
    with open(file + ".tmp", "w") as f:
        json.dump(content, f, indent=2)
    os.replace(file + ".tmp", file)


def load_config(workdir):
    """The resolved ``TrainConfig`` of a workdir.

    Raises:
        CheckpointError: when the workdir holds no training run.
    """
    workdir = os.fspath(workdir)
    config = TrainConfig.load(workdir)
    if config is None:
        what = "does not exist" if not os.path.isdir(workdir) else f"has no {CONFIG_FILE}"
        raise CheckpointError(f"No training run in {workdir}: the folder {what}. Train a model "
                              f"first: python -m keras_pixelrnn train --workdir={workdir}")
    return config.resolved()


def expected_model(config):
    """A freshly built (untrained) model of a resolved config, outside any strategy."""
    return config.make_model()


def check_matches(model, config, source):
    """Raises a CheckpointError when ``model`` is not the model that ``config`` describes."""
    reference = expected_model(config)
    got = [tuple(w.shape) for w in model.weights]
    want = [tuple(w.shape) for w in reference.weights]
    if not isinstance(model, (PixelModel, MultiScaleModel)) or got != want:
        detail = (f"a {type(model).__name__}"
                  if not isinstance(model, (PixelModel, MultiScaleModel)) else
                  f"a model for images {model.image_shape} with {model.num_levels} levels and "
                  f"{model.count_params()} parameters")
        raise CheckpointError(
            f"{source} holds {detail}, not the {config.model} model of this workdir's "
            f"config.json ({reference.image_shape}, {reference.num_levels} levels, "
            f"{reference.count_params()} parameters). It belongs to another run: use that "
            "run's workdir, or pass the right checkpoint.")


def load_model(workdir, checkpoint="last"):
    """Loads a trained model from a workdir.

    Args:
        workdir: a folder written by ``train``.
        checkpoint: ``"last"`` (the last completed epoch), ``"best"`` (lowest validation
            loss; falls back to ``"last"`` when the run had no validation) or a path to a
            ``.keras`` file.

    Returns:
        ``(model, config)``: the uncompiled model and the workdir's resolved ``TrainConfig``.

    Raises:
        CheckpointError: for a missing workdir or checkpoint, a corrupt file, or a model that
            does not match the workdir's config.
    """
    config = load_config(workdir)
    file = checkpoint_path(workdir, checkpoint)
    if checkpoint == "best" and not os.path.exists(file):
        file = checkpoint_path(workdir, "last")
    if not os.path.exists(file):
        hint = (f" Training was interrupted before its first epoch ended, or it has not run: "
                f"run `python -m keras_pixelrnn train --workdir={workdir}` (it resumes)."
                if checkpoint in ("last", "best") else "")
        raise CheckpointError(f"Checkpoint {file} does not exist.{hint}")
    model = load_checkpoint(file, workdir=workdir)
    check_matches(model, config, f"Checkpoint {file}")
    return model, config


def load_checkpoint(file, workdir=None):
    """``keras.saving.load_model(file, compile=False)`` with a clear error for a corrupt,
    truncated or foreign file."""
    try:
        return keras.saving.load_model(file, compile=False)
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, TypeError, EOFError,
            AttributeError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else ""
        if workdir is not None:
            fix = (f"If training was killed while writing it, rerun `python -m keras_pixelrnn "
                   f"train --workdir={workdir}`: it resumes from {path(workdir, BACKUP)} and "
                   f"rewrites the checkpoint after the next epoch; or delete {workdir} and "
                   "train again.")
        else:
            fix = "Pass a .keras file saved from a keras_pixelrnn model."
        raise CheckpointError(f"Could not load the checkpoint {file}: it is corrupt, truncated "
                              f"or not a keras_pixelrnn model ({type(err).__name__}: "
                              f"{reason[:300]}). {fix}") from err
