"""Putting a model trained in a workdir into the zoo, with its model card."""

import json
import os

from keras_pixelrnn.zoo.card import model_card
from keras_pixelrnn.zoo.references import eval_data
from keras_pixelrnn.zoo.registry import (_check_free, _check_name, _check_version,
                                         _write_root, add_model)


def default_name(config):
    """``<dataset>_<model>`` of a resolved TrainConfig: ``<model>`` is the family, prefixed
    ``class_conditional_`` or ``multiscale_`` for such models; ``binarized_`` is prefixed to
    the dataset when the training binarized it (``mnist_5k`` binarized →
    ``binarized_mnist_5k_...``)."""
    kind = ("multiscale_" if "low_res_size" in config.model_kwargs else "") + \
        ("class_conditional_" if config.num_classes else "")
    return f"{eval_data(config).replace('/', '_')}_{kind}{config.model}"


def export_to_zoo(workdir, name=None, version=1, root=None, checkpoint="last", overwrite=False,
                  data_dir=None, notes=None, hardware=None):
    """Puts the model trained in ``workdir`` into the zoo, with a model card.

    Writes ``<root>/<name>/<version>/`` (the SavedModel of :func:`kp.export.export_saved_model`
    and ``model.keras``, the checkpoint without its optimizer state) and
    ``<root>/<name>/MODEL_CARD.md``: data, model, training (from ``config.json`` and
    ``metrics.json``), the held-out NLL of ``evaluation.json`` (evaluated now when the
    workdir has no result for this checkpoint, or an older one), published numbers beside it,
    and the commands that reproduce the model.

    Args:
        workdir: a folder written by ``python -m keras_pixelrnn train`` / ``kp.train``.
        name: zoo name (default: ``<dataset>_<family>``, see :func:`default_name`).
        version: TF Serving version (a positive integer).
        root: the zoo folder (default: ``$KERAS_PIXELRNN_ZOO``, else ``saved_models/`` of
            this checkout).
        checkpoint: ``"last"``, ``"best"`` or a ``.keras`` file of the workdir's model.
        overwrite: replace an existing version.
        data_dir: data directory for the evaluation, when it has to run.
        notes: Markdown appended to the card (e.g. how the training machine was shared).
        hardware: a description of the machine that trained the model (default: this
            machine, which the card then says).

    Returns:
        The version folder.
    """
    from keras_pixelrnn import training
    from keras_pixelrnn.training import workdir as wd

    workdir = os.fspath(workdir)
    config = wd.load_config(workdir)      # a clear error for a folder without a run
    name = name or default_name(config)
    _check_name(name)
    _check_version(version)
    target = os.path.join(_write_root(root), name, str(version))
    _check_free(target, overwrite)        # before the evaluation, which may take a while
    model, config = training.load_model(workdir, checkpoint)
    evaluation = _evaluation(workdir, config, checkpoint, data_dir)
    card = model_card(workdir, name, version, model, config, evaluation, checkpoint,
                      notes=notes, hardware=hardware)
    return add_model(model, name, version=version, root=root, card=card, overwrite=overwrite)


def _evaluation(workdir, config, checkpoint, data_dir):
    """The workdir's evaluation of ``checkpoint`` on the config's test split (run now when
    there is none, or when the checkpoint is newer than the evaluation file)."""
    from keras_pixelrnn import training
    from keras_pixelrnn.training import workdir as wd

    key = f"{config.dataset}/{config.eval_split}" + (
        f"/{checkpoint}" if checkpoint != "last" else "")
    file = wd.path(workdir, wd.EVALUATION)
    source = wd.checkpoint_path(workdir, checkpoint)
    if checkpoint == "best" and not os.path.exists(source):
        source = wd.checkpoint_path(workdir, "last")
    try:
        with open(file) as f:
            saved = json.load(f)
        fresh = os.path.getmtime(file) >= os.path.getmtime(source)
    except (OSError, ValueError):
        saved, fresh = {}, False
    if fresh and isinstance(saved.get(key), dict):
        return saved[key]
    return training.evaluate(workdir, checkpoint=checkpoint, data_dir=data_dir, verbose=0)
