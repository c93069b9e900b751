"""``train``: a model trained on a named dataset, resumable, under any ``tf.distribute``
strategy."""

import dataclasses
import importlib.util
import os
import sys
import time

import keras
import tensorflow as tf

from keras_pixelrnn import figures
from keras_pixelrnn.training import callbacks as cb
from keras_pixelrnn.training import inputs
from keras_pixelrnn.training import workdir as wd
from keras_pixelrnn.training.config import TrainConfig, reconcile
from keras_pixelrnn.training.optimizer import make_optimizer
from keras_pixelrnn.training.strategy import get_strategy, is_chief, task_of


def _log(message, verbose):
    if verbose:
        print(message, flush=True)


def _fit_verbosity(verbose):
    if verbose == "auto":
        return 1 if sys.stdout.isatty() else 2
    return int(verbose)


def requested_config(config=None, **overrides):
    """The config a caller asked for: ``config`` with ``overrides`` applied (``None`` when
    neither is given, meaning "the workdir's, or the defaults")."""
    if config is None and not overrides:
        return None
    if config is None:
        config = TrainConfig()
    elif isinstance(config, dict):
        config = TrainConfig.from_dict(config)
    names = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise TypeError(f"train() got unknown settings {', '.join(unknown)}; valid settings "
                        f"are the TrainConfig fields: {', '.join(sorted(names))}.")
    return dataclasses.replace(config, **overrides)


def _for_strategy(dataset, strategy):
    """Adapts a dataset to a multi-worker strategy: shards it by data (its elements are not
    files) and casts the uint8 batches to int32 (Keras all-reduces one batch across workers
    when it builds the model, and collective ops have no uint8 kernel)."""
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = \
            tf.data.experimental.AutoShardPolicy.DATA
        dataset = dataset.map(lambda x: tf.cast(x, tf.int32)).with_options(options)
    return dataset


def train_datasets(config, strategy=None, data_dir=None, start_epoch=0):
    """``(training stream, validation batches or None)`` of a resolved config (see
    :func:`keras_pixelrnn.training.inputs.training_stream`)."""
    stream = inputs.training_stream(config, data_dir, start_epoch)
    validation = inputs.validation_dataset(config, data_dir)
    if validation is not None:
        validation = _for_strategy(validation, strategy)
    return _for_strategy(stream, strategy), validation


def build_model(config, strategy=None):
    """The compiled model of a resolved config, created in ``strategy.scope()``."""
    strategy = strategy or tf.distribute.get_strategy()
    with strategy.scope():
        keras.utils.set_random_seed(config.seed)
        model = config.make_model()
        model.compile(optimizer=make_optimizer(config, config.train_steps_per_epoch()))
    return model


def _history(entries):
    keys = []
    for entry in entries:
        keys += [k for k in entry if k not in keys]
    return {k: [entry.get(k) for entry in entries] for k in keys}


def _describe(config, model, strategy):
    info = config.dataset_info()
    shape = "x".join(str(d) for d in info.image_shape)
    what = f"preset {config.preset}" if config.preset else config.model
    sched = config.schedule + (f" to {config.final_lr_fraction:g}x"
                               if config.schedule == "cosine" else "")
    clip = f"clipnorm {config.clipnorm:g}" if config.clipnorm else "no clipping"
    replicas = strategy.num_replicas_in_sync
    name = {"_DefaultDistributionStrategy": "default strategy",
            "CollectiveAllReduceStrategy": "MultiWorkerMirroredStrategy"}.get(
                type(strategy).__name__, type(strategy).__name__)
    return (f"Training {what} ({model.count_params():,} parameters) on {config.dataset} "
            f"({shape}, {info.num_levels} levels"
            f"{', binarized ' + config.binarize if config.binarize else ''}): "
            f"{config.epochs} epochs of {config.train_steps_per_epoch()} steps, batch "
            f"{config.batch_size}, RMSProp lr {config.learning_rate:g} ({sched}), {clip}, "
            f"{name} ({replicas} replica{'s' if replicas > 1 else ''}).")


def _run_config(workdir, config, overrides, save):
    """The resolved config of a run: the workdir's (checked against what was asked for), or
    the one asked for, saved into the workdir."""
    requested = requested_config(config, **overrides)
    requested = requested.resolved() if requested is not None else None
    if workdir is None:
        return requested or TrainConfig().resolved()
    saved = TrainConfig.load(workdir)
    if saved is not None:
        config = reconcile(saved.resolved(), requested, os.fspath(workdir))
    else:
        config = requested or TrainConfig().resolved()
    if save:
        config.save(workdir)
    return config


def _chief_callbacks(workdir, config, previous, say):
    """Checkpoints and TensorBoard logs, written by the chief only."""
    val_losses = [e["val_loss"] for e in previous if "val_loss" in e]
    callbacks = [cb.SaveCheckpoints(wd.path(workdir, wd.CHECKPOINTS),
                                    monitor="val_loss" if config.validation_split else None,
                                    best=min(val_losses) if val_losses else None)]
    if importlib.util.find_spec("tensorboard") is not None:
        callbacks.append(keras.callbacks.TensorBoard(wd.path(workdir, wd.LOGS),
                                                     write_graph=False, profile_batch=0))
    else:
        _log("TensorBoard is not installed (pip install tensorboard): no logs/.", say)
    return callbacks


def train(workdir=None, config=None, *, strategy="default", tpu=None, data_dir=None,
          callbacks=None, verbose="auto", **overrides):
    """Trains a model on a named dataset, resuming the run in ``workdir`` if there is one.

    The model is built and compiled inside ``strategy.scope()``: RMSProp (the paper's
    choice), the config's learning-rate schedule and gradient clipping (of the gradient
    summed over replicas), the mean NLL loss, bits/dim and nats/image metrics.

    With a ``workdir``, everything needed to resume is kept there (see
    :mod:`keras_pixelrnn.training.workdir`): ``config.json``, a backup of weights, optimizer
    state and epoch counter after every epoch, ``checkpoints/last.keras`` (and ``best.keras``
    with validation data), TensorBoard logs in ``logs/``, ``metrics.json`` and
    ``training_curves.png``. Calling ``train`` again with the same workdir resumes after the
    last completed epoch (a run killed mid-epoch loses that epoch only); passing a larger
    ``epochs`` continues a finished run. A workdir holding another configuration is an error.

    Args:
        workdir: folder of the run, or ``None`` to train without saving anything.
        config: a :class:`TrainConfig` (or dict); ``None``: the workdir's config when it has
            one, else the defaults.
        strategy: ``"default"``, ``"mirrored"``, ``"multi_worker"``, ``"tpu"`` or a
            ``tf.distribute.Strategy``. A multi-worker strategy must be created before
            TensorFlow runs any op: call ``train`` first thing in the program.
        tpu: TPU name or address for ``strategy="tpu"``.
        data_dir: tfds data directory for the tfds datasets (not part of the config).
        callbacks: further Keras callbacks, called after the run's own (backup, checkpoints,
            TensorBoard, metrics).
        verbose: ``"auto"`` (a progress bar on a terminal, one line per epoch otherwise),
            0, 1 or 2.
        **overrides: :class:`TrainConfig` fields, e.g. ``model="row_lstm"``, ``epochs=5``,
            ``preset="digits_pixel_cnn"``.

    Returns:
        ``(model, history)``: the trained ``PixelModel`` and a dict of per-epoch lists
        (``"epoch"``, ``"loss"``, ``"bits_per_dim"``, ``"nats_per_image"``, ``"val_..."``,
        ``"learning_rate"``, ``"seconds"``) covering every epoch of the run, resumed parts
        included.

    Raises:
        ValueError: for unknown models, presets, datasets or settings (the message lists the
            valid ones), or a preset that does not fit the dataset.
        ConfigMismatchError: when ``workdir`` holds a run with another configuration.
        CheckpointError: when the workdir's backup is corrupt or belongs to another model.
        StrategyError: when the strategy cannot be created.
        kp.data.DatasetUnavailableError: when a tfds dataset is not available offline.

    Example:
    >>> model, history = kp.train("runs/digits", preset="digits_pixel_cnn", epochs=5)
    >>> kp.evaluate("runs/digits")["bits_per_dim"]
    """
    verbose_fit = _fit_verbosity(verbose)
    strategy = get_strategy(strategy, tpu=tpu)  # First: multi-worker must precede any op.
    chief = is_chief(strategy)
    say = verbose and chief
    config = _run_config(workdir, config, overrides, save=chief)

    backup, done = None, 0
    if workdir is not None:
        workdir = os.fspath(workdir)
        if chief:
            backup_dir = wd.path(workdir, wd.BACKUP)
        else:  # Each non-chief worker keeps its own backup, so it can restore on its own.
            task_type, task_id = task_of(strategy)
            backup_dir = wd.path(workdir, ".workers", f"{task_type}_{task_id}", wd.BACKUP)
        backup = cb.Backup(backup_dir, workdir=workdir)
        done = backup.saved_epoch()

    train_data = validation = None
    if done < config.epochs:  # Data first: a missing dataset fails before anything is built.
        keras.utils.set_random_seed(config.seed)  # tf.data's seeds depend on TF's global seed.
        train_data, validation = train_datasets(config, strategy, data_dir, start_epoch=done)
    model = build_model(config, strategy)
    _log(_describe(config, model, strategy), say)

    metrics_log = cb.MetricsLog(
        wd.path(workdir, wd.METRICS) if workdir is not None and chief else None)
    metrics_log.entries = [e for e in metrics_log.entries if e.get("epoch", 0) <= done]
    extra_callbacks = list(callbacks or [])
    callbacks = [backup] if backup is not None else []
    if workdir is not None and chief:
        callbacks += _chief_callbacks(workdir, config, metrics_log.entries, say)
        _log(f"Workdir: {workdir}", say)
    callbacks += [metrics_log] + extra_callbacks
    if done:
        _log(f"Resuming after epoch {done} of {config.epochs} (backup in {backup.backup_dir}).",
             say)

    if done >= config.epochs:
        backup.set_model(model)
        with strategy.scope():  # Restores the weights (with the same error handling).
            backup.on_train_begin()
        _log(f"Already trained for {done} epochs: nothing to do (pass a larger epochs to "
             "continue training).", say)
    else:
        start = time.perf_counter()
        model.fit(train_data, epochs=config.epochs,
                  steps_per_epoch=config.train_steps_per_epoch(),
                  validation_data=validation, callbacks=callbacks,
                  verbose=verbose_fit if say else 0, shuffle=False)
        _log(f"Trained epochs {done + 1}-{config.epochs} in {time.perf_counter() - start:.1f} "
             "s.", say)

    entries = metrics_log.entries
    if workdir is not None and chief and entries:
        curves = figures.save_training_curves(
            entries, wd.path(workdir, wd.CURVES),
            title=f"{config.preset or config.model} on {config.dataset}")
        last = entries[-1]
        summary = ", ".join(f"{k} {last[k]:.4f}" for k in ("bits_per_dim", "val_bits_per_dim")
                            if k in last)
        _log(f"Epoch {last['epoch']}: {summary}. Training curves: {curves}", say)
    return model, _history(entries)

