"""``evaluate``: the exact negative log-likelihood of a whole split, in nats/image and
bits/dim."""

import dataclasses
import json
import math
import os
import sys

import keras
import numpy as np

from keras_pixelrnn import conditioning
from keras_pixelrnn import data as kd
from keras_pixelrnn.likelihood import log_prob
from keras_pixelrnn.training import workdir as wd
from keras_pixelrnn.training.config import EVAL_SEED


def evaluate(model, dataset=None, split=None, *, checkpoint="last", batch_size=64,
             binarize=None, data_dir=None, max_examples=None, verbose=1):
    """Exact test negative log-likelihood of a model over a whole split.

    Every image's log-likelihood is computed with :func:`kp.log_prob` (a float64 sum over its
    sub-pixels) and summed over all images, so the result does not depend on the batch size
    and a smaller last batch is weighted correctly.

    Args:
        model: a trained model, or a workdir written by ``train`` (its checkpoint is loaded,
            and its config gives the dataset and binarization; the result is also saved in
            ``WORKDIR/evaluation.json``).
        dataset: a name from ``kp.data.DATASETS`` (default: the workdir's; required for a
            model).
        split: split to evaluate (default: ``"test"``, or ``"validation"`` for datasets
            without a test split).
        checkpoint: for a workdir: ``"last"``, ``"best"`` or a ``.keras`` path.
        batch_size: images per forward pass.
        binarize: ``None`` or ``"fixed"`` (default: the workdir's evaluation binarization).
        data_dir: tfds data directory.
        max_examples: evaluate only the first images of the split (not an exact test number).
        verbose: show a progress bar.

    Returns:
        A dict: ``nats_per_image`` and ``bits_per_dim`` (means over the images),
        ``num_images``, ``num_dims`` (sub-pixels per image), ``dataset``, ``split``.

    Raises:
        ValueError: when the dataset's images do not fit the model (shape or levels), for an
            unknown dataset or split.
        CheckpointError: for a workdir without a usable checkpoint.
    """
    workdir = None
    if isinstance(model, (str, os.PathLike)):
        workdir = os.fspath(model)
        model, config = wd.load_model(workdir, checkpoint)
        dataset = dataset or config.dataset
        if binarize is None and dataset == config.dataset:
            binarize = config.eval_binarize
    if dataset is None:
        raise ValueError("evaluate(model, dataset=...) needs the dataset's name; valid names "
                         f"are: {', '.join(repr(n) for n in kd.DATASETS)}.")
    info = kd.get_info(dataset)
    if binarize:
        info = dataclasses.replace(info, num_levels=2)
    kd.check_compatible(info, model.image_shape, model.num_levels)  # Before any download.
    split = split or ("test" if "test" in info.splits else "validation")
    data, data_info = kd.load(dataset, split=split, batch_size=int(batch_size), shuffle=False,
                              binarize=binarize, seed=EVAL_SEED, data_dir=data_dir,
                              with_info=True)
    total = (data_info.num_examples or {}).get(split)
    if max_examples:
        total = min(total, int(max_examples)) if total else int(max_examples)
    bar = None
    if verbose:  # A live bar on a terminal, one line at the end in a log file.
        bar = keras.utils.Progbar(total, unit_name="image",
                                  verbose=1 if sys.stdout.isatty() else 2)
    # A class-conditional model is evaluated on log p(x | its label).
    labels = (kd.labels(dataset, split, data_dir)
              if "class_label" in conditioning.condition_spec(_conditional_part(model))
              else None)
    nll_sum, count = 0.0, 0
    for batch in data:
        images = np.asarray(batch)
        if max_examples:
            images = images[:max(0, int(max_examples) - count)]
            if not len(images):
                break
        label = None if labels is None else labels[count:count + len(images)]
        nll_sum += float(-log_prob(model, images, batch_size=len(images),
                                   class_label=label).sum())
        count += len(images)
        if bar is not None:
            bar.update(count)
    if count == 0:
        raise ValueError(f"Split {split!r} of {dataset!r} holds no images.")
    nats = nll_sum / count
    result = {
        "dataset": dataset,
        "split": split,
        "num_images": count,
        "num_dims": data_info.num_dims,
        "nats_per_image": nats,
        "bits_per_dim": nats / (data_info.num_dims * math.log(2.0)),
    }
    if binarize:
        result["binarize"] = binarize
    if workdir is not None:
        file = wd.path(workdir, wd.EVALUATION)
        saved = {}
        if os.path.exists(file):
            try:
                with open(file) as f:
                    saved = json.load(f)
            except (OSError, ValueError):
                saved = {}
        key = f"{dataset}/{split}" + (f"/{checkpoint}" if checkpoint != "last" else "")
        saved[key] = result
        wd.write_json(file, saved)
    return result


def _conditional_part(model):
    """The model whose conditions the inputs need (a multi-scale model's small one)."""
    return model.low_res_model if hasattr(model, "low_res_model") else model
