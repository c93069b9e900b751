"""Pretrained models by name: ``kp.zoo.load("binarized_mnist_5k_diagonal_bilstm")``.

A zoo is a folder of models, one subfolder per name (``<dataset>_<family>``), laid out as TF
Serving's model base paths (TF Serving loads the integer version folders and ignores every
other file)::

    ROOT/<name>/MODEL_CARD.md             data, model, training, held-out NLL, how to reproduce
    ROOT/<name>/<version>/saved_model.pb  the SavedModel of kp.export.export_saved_model
    ROOT/<name>/<version>/variables/
    ROOT/<name>/<version>/assets/keras_pixelrnn.json   its metadata (kp.export.read_metadata)
    ROOT/<name>/<version>/model.keras     the Keras model, for the Python API

Roots are searched in this order: the ``root`` argument (alone, when given); else
``$KERAS_PIXELRNN_ZOO``, then ``saved_models/`` of this checkout (a name found in an earlier
root hides the same name in a later one).

``load`` needs only Keras (any backend); ``load_saved_model`` and ``export_to_zoo`` need
TensorFlow. Make a zoo entry from a training workdir with::

    python -m keras_pixelrnn.zoo export --workdir=WORKDIR [--name=NAME] [--version=1]

or ``kp.zoo.export_to_zoo(WORKDIR)``.
"""

import dataclasses
import datetime
import json
import math
import os
import platform
import re
import shutil
import sys

import keras

ENV_VAR = "KERAS_PIXELRNN_ZOO"
CARD_FILE = "MODEL_CARD.md"
MODEL_FILE = "model.keras"
_CHECKOUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECKOUT_ROOT = os.path.join(_CHECKOUT, "saved_models")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

FAMILY_NAMES = {"pixel_cnn": "PixelCNN", "row_lstm": "Row LSTM",
                "diagonal_bilstm": "Diagonal BiLSTM"}

# Published numbers to print beside a model's held-out NLL, keyed by (evaluation data,
# family); "*" matches every family. Each entry: (who, value, unit, on what data).
# Evaluation data is the dataset's name, prefixed "binarized_" when training binarized it.
_PAPER = "van den Oord et al. 2016"
_PAPER_MNIST = {"diagonal_bilstm": ("Table 4", 79.20), "row_lstm": ("Table 4", 80.54),
                "pixel_cnn": ("Table 4", 81.30)}
_PAPER_CIFAR = {"diagonal_bilstm": 3.00, "row_lstm": 3.07, "pixel_cnn": 3.14}
REFERENCES = {}
for _family, (_table, _value) in _PAPER_MNIST.items():
    REFERENCES[("binarized_mnist", _family)] = [
        (f"{FAMILY_NAMES[_family]}, {_PAPER} ({_table})", _value, "nats",
         "binarized MNIST test (10,000 images)")]
    REFERENCES[("binarized_mnist_5k", _family)] = [
        (f"{FAMILY_NAMES[_family]}, {_PAPER} ({_table})", _value, "nats",
         "binarized MNIST test: other data (50,000 training images, 10,000 test)")]
REFERENCES[("binarized_mnist_5k", "*")] = [
    ("tfp.distributions.PixelCNN (gated, 625k parameters, 20 epochs)", 85.88, "nats",
     "the same 500 validation digits, trained on the same 4,500"),
    ("keras-io PixelCNN example (533k parameters, 50 epochs)", 95.20, "nats",
     "the same 500 validation digits, trained on the same 4,500"),
]
for _family, _value in _PAPER_CIFAR.items():
    REFERENCES[("cifar10", _family)] = [
        (f"{FAMILY_NAMES[_family]}, {_PAPER} (Table 5)", _value, "bits/dim", "CIFAR-10 test")]
REFERENCES[("downsampled_imagenet/32x32", "row_lstm")] = [
    (f"Row LSTM, {_PAPER} (Table 6)", 3.86, "bits/dim", "ImageNet 32x32 validation")]
REFERENCES[("downsampled_imagenet/64x64", "row_lstm")] = [
    (f"Row LSTM, {_PAPER} (Table 6)", 3.63, "bits/dim", "ImageNet 64x64 validation")]


@dataclasses.dataclass(frozen=True)
class ModelInfo:
    """What the zoo holds under one name.

    Attributes:
        name: the model's name.
        path: its folder (TF Serving's model base path).
        versions: integer versions holding ``model.keras``, ascending.
        card: path of ``MODEL_CARD.md`` (``None`` when there is none).
        metadata: the metadata of the latest version's SavedModel (``image_shape``,
            ``num_levels``, ``family``, ``num_parameters``, signatures, ...); ``None`` when
            that version holds no SavedModel.
    """

    name: str
    path: str
    versions: tuple
    card: str
    metadata: dict

    @property
    def latest(self):
        return self.versions[-1]

    def version_path(self, version=None):
        """The folder of ``version`` (default: the latest)."""
        return os.path.join(self.path, str(self.latest if version is None else version))

    def card_text(self):
        """The model card (Markdown), or ``""``."""
        if not self.card:
            return ""
        with open(self.card) as f:
            return f.read()


# ----------------------------------------------------------------------------- finding


def roots(root=None):
    """The zoo folders searched, in order: ``[root]`` when given, else
    ``$KERAS_PIXELRNN_ZOO`` (when set) and this checkout's ``saved_models/``."""
    if root is not None:
        return [os.fspath(root)]
    found = []
    if os.environ.get(ENV_VAR):
        found.append(os.environ[ENV_VAR])
    found.append(CHECKOUT_ROOT)
    return found


def _versions(folder):
    """Integer version folders of a model folder that hold ``model.keras``, ascending."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return ()
    return tuple(sorted(int(e) for e in entries if e.isdigit()
                        and os.path.isfile(os.path.join(folder, e, MODEL_FILE))))


def _index(root=None):
    """``{name: folder}`` of every model of the searched roots (earlier roots win)."""
    index = {}
    for folder in roots(root):
        try:
            entries = sorted(os.listdir(folder))
        except OSError:
            continue
        for entry in entries:
            path = os.path.join(folder, entry)
            if entry not in index and _NAME.match(entry) and _versions(path):
                index[entry] = path
    return index


def list_models(root=None):
    """Names of the models available (folders with an integer version holding
    ``model.keras``), sorted.

    Example:
    >>> kp.zoo.list_models()
    ['binarized_mnist_5k_diagonal_bilstm', 'digits_pixel_cnn', ...]
    """
    return sorted(_index(root))


def _how_to_add():
    return ("Make one from a training workdir with kp.zoo.export_to_zoo(WORKDIR) or "
            "`python -m keras_pixelrnn.zoo export --workdir=WORKDIR` (train it with "
            "`python -m keras_pixelrnn train --workdir=WORKDIR ...`).")


def info(name, root=None):
    """A :class:`ModelInfo`: versions, model card and SavedModel metadata of ``name``.

    Raises:
        ValueError: for a name the zoo does not hold (the message lists those it holds).
    """
    index = _index(root)
    if not isinstance(name, str) or name not in index:
        available = ", ".join(repr(n) for n in sorted(index)) or "none"
        raise ValueError(f"No model {name!r} in the zoo ({', '.join(roots(root))}). Available "
                         f"models: {available}. {_how_to_add()}")
    path = index[name]
    versions = _versions(path)
    card = os.path.join(path, CARD_FILE)
    return ModelInfo(name=name, path=path, versions=versions,
                     card=card if os.path.isfile(card) else None,
                     metadata=_metadata(os.path.join(path, str(versions[-1]))))


def _metadata(version_dir):
    from keras_pixelrnn.export import METADATA_FILE

    try:
        with open(os.path.join(version_dir, "assets", METADATA_FILE)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def model_path(name, version=None, root=None):
    """The version folder of ``name`` (default: its latest version).

    Raises:
        ValueError: for an unknown name or version.
    """
    entry = info(name, root)
    if version is None:
        return entry.version_path()
    if isinstance(version, bool) or not isinstance(version, int) or \
            version not in entry.versions:
        raise ValueError(f"Model {name!r} has no version {version!r}; its versions are "
                         f"{', '.join(str(v) for v in entry.versions)} (in {entry.path}).")
    return entry.version_path(version)


# ----------------------------------------------------------------------------- loading


def load(name, version=None, root=None):
    """The Keras model ``name`` of the zoo (uncompiled), for ``kp.log_prob``,
    ``kp.sampling.sample``/``complete`` or further training (``model.compile(...)``).

    Args:
        name: a name from :func:`list_models`, e.g. ``"binarized_mnist_5k_diagonal_bilstm"``.
        version: an integer version (default: the latest).
        root: a zoo folder (default: ``$KERAS_PIXELRNN_ZOO``, then ``saved_models/``).

    Raises:
        ValueError: for an unknown name or version, or an unreadable ``model.keras``.

    Example:
    >>> model = kp.zoo.load("binarized_mnist_5k_diagonal_bilstm")
    """
    file = os.path.join(model_path(name, version, root), MODEL_FILE)
    try:
        return keras.saving.load_model(file, compile=False)
    except Exception as err:  # noqa: BLE001 - any failure: a bad file; say which.
        reason = (str(err).strip().splitlines() or [""])[0][:300]
        raise ValueError(f"Could not load {file}: it is corrupt or not a keras_pixelrnn model "
                         f"({type(err).__name__}: {reason}). Export it again with "
                         "kp.zoo.export_to_zoo(WORKDIR, overwrite=True).") from err


def load_saved_model(name, version=None, root=None):
    """``tf.saved_model.load`` of the SavedModel of ``name`` (default: latest version): its
    ``.signatures`` are those TF Serving serves (``log_prob``, ``sample``, ``complete``, ...;
    see :mod:`keras_pixelrnn.export`)."""
    import tensorflow as tf

    path = model_path(name, version, root)
    if not os.path.isfile(os.path.join(path, "saved_model.pb")):
        raise ValueError(f"{path} holds no SavedModel (saved_model.pb). {_how_to_add()}")
    return tf.saved_model.load(path)


# ----------------------------------------------------------------------------- writing


def _write_root(root):
    if root is not None:
        return os.fspath(root)
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    if os.path.isfile(os.path.join(_CHECKOUT, "setup.cfg")):
        return CHECKOUT_ROOT
    raise ValueError(f"Where should the model go? Pass root=FOLDER or set ${ENV_VAR} "
                     "(keras_pixelrnn is not running from a checkout with saved_models/).")


def _check_name(name):
    if not isinstance(name, str) or not _NAME.match(name) or name.isdigit():
        raise ValueError(f"A zoo name must be a folder name of letters, digits, '_', '.', "
                         f"'-' (not a number), e.g. 'digits_pixel_cnn'; got {name!r}.")


def _check_version(version):
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"version must be a positive integer (TF Serving's version folder), "
                         f"got {version!r}.")


def add_model(model, name, version=1, root=None, card=None, overwrite=False, **export_kwargs):
    """Writes ``model`` into the zoo: ``<name>/<version>/`` (SavedModel and ``model.keras``)
    and, when ``card`` (Markdown text) is given, ``<name>/MODEL_CARD.md``.

    Most models should come from a training workdir with :func:`export_to_zoo`, whose card
    says how the model was made; this is the step it ends with.

    Args:
        model: a model from :mod:`keras_pixelrnn.models`.
        name, version, root: where it goes (``root`` default: ``$KERAS_PIXELRNN_ZOO``, else
            ``saved_models/`` of this checkout).
        card: the model card's text, or ``None`` to leave the card as it is.
        overwrite: replace an existing version.
        **export_kwargs: passed to :func:`kp.export.export_saved_model` (``max_samples``, ...).

    Returns:
        The version folder.
    """
    from keras_pixelrnn.export import export_saved_model

    _check_name(name)
    _check_version(version)
    folder = os.path.join(_write_root(root), name)
    target = os.path.join(folder, str(version))
    _check_free(target, overwrite)
    path = export_saved_model(model, folder, version=version, overwrite=overwrite,
                              **export_kwargs)
    tmp = os.path.join(path, ".tmp-" + MODEL_FILE)
    _saved_copy(model).save(tmp)
    os.replace(tmp, os.path.join(path, MODEL_FILE))
    if card is not None:
        with open(os.path.join(folder, CARD_FILE + ".tmp"), "w") as f:
            f.write(card)
        os.replace(os.path.join(folder, CARD_FILE + ".tmp"), os.path.join(folder, CARD_FILE))
    return path


def _check_free(target, overwrite):
    if os.path.isdir(target) and os.listdir(target) and not overwrite:
        raise FileExistsError(f"{target} already exists; pass overwrite=True to replace it, or "
                              "export a new version.")


def _saved_copy(model):
    """The model without its optimizer (a zoo file holds the weights, not training state)."""
    if getattr(model, "optimizer", None) is None:
        return model
    clone = type(model).from_config(model.get_config())
    clone.set_weights(model.get_weights())
    return clone


def default_name(config):
    """``<dataset>_<model>`` of a resolved TrainConfig: ``<model>`` is the family, prefixed
    ``class_conditional_`` or ``multiscale_`` for such models; ``binarized_`` is prefixed to
    the dataset when the training binarized it (``mnist_5k`` binarized →
    ``binarized_mnist_5k_...``)."""
    kind = ("multiscale_" if "low_res_size" in config.model_kwargs else "") + \
        ("class_conditional_" if config.num_classes else "")
    return f"{_eval_data(config).replace('/', '_')}_{kind}{config.model}"


def _eval_data(config):
    if config.binarize and not config.dataset.startswith("binarized_"):
        return "binarized_" + config.dataset
    return config.dataset


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


# ----------------------------------------------------------------------------- the card


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
    lines += [f"A {kind}{family} (PixelRNN paper, {_PAPER}) trained on `{config.dataset}` "
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
    references = REFERENCES.get((_eval_data(config), config.model), []) + \
        REFERENCES.get((_eval_data(config), "*"), [])
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


# ----------------------------------------------------------------------------- command line


def main(argv=None):
    """``python -m keras_pixelrnn.zoo list | info NAME | export --workdir=DIR ...``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m keras_pixelrnn.zoo",
                                     description="Pretrained keras_pixelrnn models.")
    parser.add_argument("--root", default=None, help=f"zoo folder (default: ${ENV_VAR}, "
                        "then saved_models/ of the checkout)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="names of the models")
    show = commands.add_parser("info", help="versions and model card of a model")
    show.add_argument("name")
    export = commands.add_parser("export", help="put a trained workdir's model into the zoo")
    export.add_argument("--workdir", required=True)
    export.add_argument("--name", default=None)
    export.add_argument("--version", type=int, default=1)
    export.add_argument("--checkpoint", default="last")
    export.add_argument("--data_dir", default=None)
    export.add_argument("--notes", default=None, help="Markdown appended to the card")
    export.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            for name in list_models(args.root):
                print(name)
        elif args.command == "info":
            entry = info(args.name, args.root)
            print(f"{entry.name}: versions {', '.join(map(str, entry.versions))} in "
                  f"{entry.path}\n")
            print(entry.card_text() or "(no model card)")
        else:
            path = export_to_zoo(args.workdir, name=args.name, version=args.version,
                                 root=args.root, checkpoint=args.checkpoint,
                                 overwrite=args.overwrite, data_dir=args.data_dir,
                                 notes=args.notes)
            print(f"Exported {path}; model card: "
                  f"{os.path.join(os.path.dirname(path), CARD_FILE)}")
    except (ValueError, FileExistsError, FileNotFoundError) as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - CheckpointError and friends: say it, exit 1
        if type(err).__name__ in ("CheckpointError", "ConfigMismatchError",
                                  "DatasetUnavailableError"):
            print(f"Error: {err}", file=sys.stderr)
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
