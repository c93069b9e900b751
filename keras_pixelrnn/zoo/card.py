"""The model card (``MODEL_CARD.md``) of a zoo model: data, model, training, held-out NLL
beside published numbers, and the commands that reproduce it."""

import datetime
import json
import math
import os
import platform

import keras

from keras_pixelrnn.zoo.references import FAMILY_NAMES, PAPER
from keras_pixelrnn.zoo.references import references as _references
from keras_pixelrnn.zoo.registry import _CHECKOUT


def hardware_description():
    """This machine: CPU model, cores, GPUs, TensorFlow and Keras versions."""
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cpu = cpu or platform.processor() or platform.machine() or "unknown CPU"
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count()
    parts = [f"{cpu}, {cores} cores"]
    try:
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        parts.append(f"{len(gpus)} GPU(s)" if gpus else "no GPU")
        parts.append(f"TensorFlow {tf.__version__}")
    except ImportError:
        pass
    parts.append(f"Keras {keras.__version__} ({keras.backend.backend()})")
    parts.append(f"Python {platform.python_version()}")
    return ", ".join(parts)


# CLI flags of `python -m keras_pixelrnn train` that set TrainConfig fields one to one.
_FLAG_FIELDS = ("preset", "model", "dataset", "binarize", "num_layers", "hidden_dim",
                "output_dim", "validation_split", "batch_size", "epochs", "steps_per_epoch",
                "learning_rate", "schedule", "clipnorm", "seed", "num_classes")
_NO_FLAG_FIELDS = ("model_kwargs", "final_lr_fraction", "lr_decay_per_epoch", "rho")


def train_flags(config):
    """``(flags, python_only)``: the ``--name=value`` flags of ``python -m keras_pixelrnn
    train`` that give a run with exactly this resolved config (the fewest: those the preset or
    dataset would not fill in), and the config fields the command line cannot set whose
    values differ from their defaults (``{field: value}``)."""
    from keras_pixelrnn.training.config import TrainConfig

    base = {"preset": config.preset} if config.preset else {"model": config.model}
    base.update(dataset=config.dataset, epochs=config.epochs)
    if config.binarize:
        base["binarize"] = config.binarize
    fields = dict(base)
    python_only = {k: getattr(config, k) for k in _NO_FLAG_FIELDS
                   if _json(getattr(config, k)) != _json(getattr(TrainConfig(), k))}
    multiscale = None    # --multiscale=HxW sets model_kwargs={"low_res_size": [h, w]}
    if set(python_only.get("model_kwargs", {})) == {"low_res_size"}:
        multiscale = python_only.pop("model_kwargs")["low_res_size"]
        fields["model_kwargs"] = {"low_res_size": list(multiscale)}
    for _ in range(2):     # defaults of later fields may depend on earlier ones
        resolved = TrainConfig(**fields, **python_only).resolved()
        for key in _FLAG_FIELDS:
            if _json(getattr(resolved, key)) != _json(getattr(config, key)):
                fields[key] = getattr(config, key)
    if _json(TrainConfig(**fields, **python_only).resolved().to_dict()) != \
            _json(config.to_dict()):   # not expected; every flag then says it all
        fields = dict({key: getattr(config, key) for key in _FLAG_FIELDS},
                      **({"model_kwargs": fields["model_kwargs"]} if multiscale else {}))
    flags = [_flag(key, fields[key]) for key in _FLAG_FIELDS if key in fields]
    if multiscale:
        flags.append(f"--multiscale={multiscale[0]}x{multiscale[1]}")
    return flags, python_only


def _json(value):
    return json.loads(json.dumps(value))


def _flag(key, value):
    if key == "binarize" and value is None:
        value = "none"
    elif key == "validation_split" and value is None:
        value = "none"
    elif key == "clipnorm" and value is None:
        value = 0
    if isinstance(value, float):
        value = repr(value)
    return f"--{key}={value}"


def _display_path(path):
    """``path`` relative to the checkout when inside it, else absolute."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, _CHECKOUT)
    return absolute if relative.startswith("..") else relative


def _fmt_time(seconds):
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def model_card(workdir, name, version, model, config, evaluation, checkpoint="last",
               notes=None, hardware=None):
    """The Markdown model card of a model trained in ``workdir`` (see :func:`export_to_zoo`)."""
    from keras_pixelrnn import data as kd
    from keras_pixelrnn.training import workdir as wd

    info = kd.get_info(config.dataset)
    family = FAMILY_NAMES.get(config.model, config.model)
    shape = "×".join(str(d) for d in info.image_shape)
    levels = 2 if config.binarize else info.num_levels
    dims = math.prod(info.image_shape)
    sizes = ", ".join(f"{k} {v}" for k, v in (info.num_examples or {}).items())
    epochs = wd.read_metrics(workdir)
    display_workdir = _display_path(workdir)

    low_res = config.model_kwargs.get("low_res_size")
    shown_kwargs = {k: v for k, v in config.model_kwargs.items() if k != "low_res_size"}
    kind = ("multi-scale " if low_res else "") + \
        ("class-conditional " if config.num_classes else "")
    lines = [f"# {name}", ""]
    lines += [f"A {kind}{family} (PixelRNN paper, {PAPER}) trained on `{config.dataset}` "
              f"with keras_pixelrnn. Version {version}.", "",
              "```python", "import keras_pixelrnn as kp",
              f'model = kp.zoo.load("{name}")            # keras.Model: images -> logits',
              f'saved = kp.zoo.load_saved_model("{name}")  # the SavedModel\'s signatures',
              "```", ""]

    lines += ["## Data", "",
              f"- Dataset `{config.dataset}`: {shape} images, {info.num_levels} levels; splits: "
              f"{sizes or 'see kp.data.get_info'}."]
    if config.binarize:
        how = ("redrawn every epoch" if config.binarize == "dynamic" else "drawn once")
        lines.append(f"- Binarized: each pixel ~ Bernoulli(value / {info.num_levels - 1}), "
                     f"{how} for training ({config.binarize}); evaluation images drawn once "
                     "with a fixed seed. The model has 2 levels.")
    else:
        lines.append(f"- Not binarized: a {levels}-way softmax per sub-pixel.")
    lines.append(f"- Validation during training: "
                 f"{config.validation_split or 'none'}; held-out numbers below are on the "
                 f"`{config.eval_split}` split, which training never saw.")
    lines.append("")

    lines += ["## Model", "",
              f"- {family} (`{config.model}`)"
              + (f", preset `{config.preset}`" if config.preset else "")
              + f": {config.num_layers} layers, h={config.hidden_dim}"
              + (f", output {config.output_dim}" if config.output_dim else "")
              + (f", {shown_kwargs}" if shown_kwargs else "")
              + f"; input {shape}, {levels} levels.",
              f"- {model.count_params():,} parameters."]
    if config.num_classes:
        lines.append(f"- Class-conditional: takes `class_label` (0..{config.num_classes - 1}, "
                     "the dataset's labels) beside the images; its likelihood is "
                     "log p(x | label), evaluated with each image's true label.")
    if low_res:
        lines.append(f"- Multi-scale (paper §3.6): a {low_res[0]}×{low_res[1]} image "
                     "(the subsample `x[:, ::fh, ::fw]`) from an unconditional model, then the "
                     "full image from a model conditioned on it. log p(x) = log p_low(s(x)) + "
                     "the log-likelihood of the other sub-pixels given s(x): exact and "
                     "normalised over full images.")
    lines.append("")

    steps = config.train_steps_per_epoch()
    seconds = sum(float(e.get("seconds") or 0) for e in epochs)
    schedule = config.schedule + (f" to {config.final_lr_fraction:g}× at the end"
                                  if config.schedule == "cosine" else
                                  f" ×{config.lr_decay_per_epoch:g} per epoch"
                                  if config.schedule == "exponential" else "")
    lines += ["## Training", "",
              f"- {len(epochs)} of {config.epochs} epochs × {steps} steps, batch "
              f"{config.batch_size}; RMSProp (rho {config.rho:g}), learning rate "
              f"{config.learning_rate:g}, {schedule}; "
              + (f"gradient clipping at global norm {config.clipnorm:g}"
                 if config.clipnorm else "no gradient clipping") + f"; seed {config.seed}.",
              f"- Checkpoint `{checkpoint}`."]
    if epochs:
        last = epochs[-1]
        train_nll = ", ".join(f"{last[k]:.4f} {unit}" for k, unit in
                              (("nats_per_image", "nats/image"),
                               ("bits_per_dim", "bits/dim")) if k in last)
        if train_nll:
            lines.append(f"- Last epoch ({last.get('epoch')}): training {train_nll}"
                         + (" (on freshly binarized images)"
                            if config.binarize == "dynamic" else "") + ".")
        lines.append(f"- Wall time: {_fmt_time(seconds)} (sum of the epochs of metrics.json; "
                     f"the first epoch includes tracing).")
    who = ("the machine that trained it" if hardware else
           "the machine that wrote this card, assumed to be the one that trained it")
    lines.append(f"- Hardware ({who}): {hardware or hardware_description()}.")
    lines.append("")

    lines += ["## Held-out negative log-likelihood", ""]
    nats = float(evaluation["nats_per_image"])
    bits = float(evaluation["bits_per_dim"])
    eval_binarized = " (binarized once, fixed seed)" if evaluation.get("binarize") else ""
    lines += ["| model | data | nats/image | bits/dim |", "|---|---|---|---|",
              f"| **this model** | `{evaluation['dataset']}` {evaluation['split']}, "
              f"{evaluation['num_images']:,} images{eval_binarized} | **{nats:.2f}** | "
              f"**{bits:.4f}** |"]
    references = _references(config)
    for who, value, unit, data in references:
        if unit == "nats":
            lines.append(f"| {who} | {data} | {value:.2f} | {value / (dims * math.log(2)):.4f} |")
        else:
            lines.append(f"| {who} | {data} | {value * dims * math.log(2):.0f} | {value:.2f} |")
    if not references:
        lines += ["", "No published number exists for this data."]
    lines.append("")

    flags, python_only = train_flags(config)
    train = " \\\n    ".join([f"python -m keras_pixelrnn train --workdir={display_workdir}"]
                             + flags)
    data_note = []
    if config.dataset in ("mnist_5k", "binarized_mnist_5k"):
        data_note = ["", "`mnist_5k` reads `mnist_train_5k.npz` (5,000 MNIST training digits; "
                     "see `keras_pixelrnn/data/mnist_5k.py`): from `../shared/data` beside the "
                     "checkout, `$KERAS_PIXELRNN_DATA_DIR` or `--data_dir`."]
    export = (f"python -m keras_pixelrnn.zoo export --workdir={display_workdir} --name={name} "
              f"--version={version}" + (f" --checkpoint={checkpoint}"
                                        if checkpoint != "last" else ""))
    lines += ["## Reproduce", "", "```bash", train,
              f"python -m keras_pixelrnn evaluate --workdir={display_workdir}"
              + (f" --checkpoint={checkpoint}" if checkpoint != "last" else ""),
              export, "```"]
    if python_only:
        args = ", ".join(f"{k}={v!r}" for k, v in python_only.items())
        lines += ["", f"The command line cannot set {', '.join(python_only)}: train with "
                  f"`kp.train(\"{display_workdir}\", ..., {args})` instead."]
    lines += data_note
    lines += ["", f"Written {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d} by "
              "`kp.zoo.export_to_zoo`. TF Serving: point `--model_base_path` at this folder "
              "(it serves the integer version folders)."]
    if notes:
        lines += ["", "## Notes", "", notes.strip()]
    return "\n".join(lines) + "\n"
