"""``TrainConfig``: everything that defines a training run, saved as ``config.json``.

A config names the model (a family with sizes, or a preset), the dataset and the paper's
training setup (RMSProp, batch 16 for MNIST and CIFAR-10, gradient clipping, a learning-rate
schedule). ``resolved()`` fills every default that depends on the dataset or preset, so the
saved file says exactly what was trained and a rerun in the same workdir can be checked
against it.
"""

import dataclasses
import json
import math
import os
from typing import Optional

from keras_pixelrnn import data as kd
from keras_pixelrnn.data import info as kd_info
from keras_pixelrnn.data import splits as data_splits
from keras_pixelrnn.models import presets as model_presets
from keras_pixelrnn.training.errors import ConfigMismatchError

CONFIG_FILE = "config.json"
FORMAT_VERSION = 1
SCHEDULES = ("constant", "exponential", "cosine")
# Evaluation data (validation, test) is binarized with this seed whatever the training seed,
# so that the numbers of different runs are comparable.
EVAL_SEED = 0

# Model sizes for a family trained with --model on a dataset: the sizes of the preset
# "<prefix>_<family>" (or of the first "<prefix>_*" preset when the family has none there).
_SIZE_PREFIX = {
    "digits": "digits",
    "mnist": "binarized_mnist",
    "mnist_5k": "binarized_mnist",
    "binarized_mnist_5k": "binarized_mnist",
    "binarized_mnist": "binarized_mnist",
    "cifar10": "cifar10",
    "downsampled_imagenet/32x32": "imagenet32",
    "downsampled_imagenet/64x64": "imagenet64",
}
_SIZE_KEYS = ("num_layers", "hidden_dim", "output_dim")
# RMSProp learning rates that differ from 1e-3 (the paper does not give its own): the small
# digits models train best at 5e-3 (measured over 1e-3, 2e-3, 5e-3, 1e-2).
_DEFAULT_LEARNING_RATE = {"digits": 5e-3}
# Fields a rerun in an existing workdir may change: more (or fewer) epochs.
_MAY_CHANGE = ("epochs",)


@dataclasses.dataclass
class TrainConfig:
    """A training run. ``None`` fields take defaults from the preset or dataset
    (see :meth:`resolved`).

    Attributes:
        model: model family, ``"pixel_cnn"``, ``"row_lstm"`` or ``"diagonal_bilstm"``
            (default: the preset's, else ``"diagonal_bilstm"``).
        preset: a name from ``kp.models.PRESETS``; its model settings, dataset and batch size
            become the defaults.
        num_layers, hidden_dim, output_dim: model sizes (default: the preset's, or those of
            the dataset's preset of this family, e.g. ``digits_row_lstm``).
        model_kwargs: further builder arguments (``residual``, ``skip_connections``, ...);
            ``low_res_size=[h, w]`` trains a multi-scale model (``kp.models.multiscale``)
            whose small image is ``h × w``.
        dataset: a name from ``kp.data.DATASETS`` (default: the preset's, else ``"digits"``).
        binarize: ``None``, ``"dynamic"`` (a new Bernoulli draw of the training images every
            epoch) or ``"fixed"``; evaluation data is then binarized ``"fixed"``.
        validation_split: split evaluated after every epoch (its loss picks
            ``checkpoints/best.keras``); ``"auto"``: the dataset's ``"validation"`` split if it
            has one besides the test split, else none. ``None``: no validation.
        batch_size: global batch size (default: the preset's; the paper uses 16 for MNIST
            and CIFAR-10).
        epochs: number of epochs.
        steps_per_epoch: batches per epoch (default: one pass over the training split).
        learning_rate: initial RMSProp learning rate (default: 5e-3 for the small digits
            models, 1e-3 otherwise).
        schedule: ``"cosine"`` (decay to ``final_lr_fraction`` of it over all epochs),
            ``"exponential"`` (times ``lr_decay_per_epoch`` every epoch) or ``"constant"``.
        final_lr_fraction: for ``"cosine"``.
        lr_decay_per_epoch: for ``"exponential"``.
        clipnorm: clip the gradient of every step (summed over replicas) to this global norm;
            ``None`` or 0 disables clipping.
        rho: RMSProp's decay of the squared-gradient average.
        seed: seed of the initial weights, the shuffling and the binarization.
        num_classes: train a class-conditional model on the dataset's labels
            (``kp.data.labels``); must equal the dataset's number of classes.
    """

    model: Optional[str] = None
    preset: Optional[str] = None
    num_layers: Optional[int] = None
    hidden_dim: Optional[int] = None
    output_dim: Optional[int] = None
    model_kwargs: dict = dataclasses.field(default_factory=dict)
    dataset: Optional[str] = None
    binarize: Optional[str] = None
    validation_split: Optional[str] = "auto"
    batch_size: Optional[int] = None
    epochs: int = 10
    steps_per_epoch: Optional[int] = None
    learning_rate: Optional[float] = None
    schedule: str = "cosine"
    final_lr_fraction: float = 0.05
    lr_decay_per_epoch: float = 0.9
    clipnorm: Optional[float] = 1.0
    rho: float = 0.9
    seed: int = 0
    num_classes: Optional[int] = None

    # ------------------------------------------------------------------ derived values

    def dataset_info(self):
        """The dataset's ``DatasetInfo`` (``num_levels=2`` when binarized)."""
        info = kd.get_info(self.dataset or "digits")
        if self.binarize:
            info = dataclasses.replace(info, num_levels=2)
        return info

    @property
    def eval_split(self):
        """The split test numbers are reported on: ``"test"``, else ``"validation"``."""
        splits = kd.get_info(self.dataset or "digits").splits
        return "test" if "test" in splits else "validation"

    @property
    def eval_binarize(self):
        """How evaluation data is binarized: ``"fixed"`` when training data is binarized."""
        return "fixed" if self.binarize else None

    def train_steps_per_epoch(self):
        """Batches per epoch: ``steps_per_epoch``, or one pass over the training split."""
        if self.steps_per_epoch:
            return int(self.steps_per_epoch)
        count = (kd.get_info(self.dataset).num_examples or {}).get("train")
        return max(1, math.ceil(count / self.batch_size)) if count else None

    def builder_kwargs(self):
        """Arguments of ``kp.models.BUILDERS[config.model]`` (after :meth:`resolved`)."""
        info = self.dataset_info()
        kwargs = dict(self.model_kwargs)
        kwargs.update(image_shape=tuple(info.image_shape), num_levels=int(info.num_levels),
                      num_layers=self.num_layers, hidden_dim=self.hidden_dim,
                      output_dim=self.output_dim)
        if self.num_classes:
            kwargs["num_classes"] = int(self.num_classes)
        if self.preset:
            kwargs.setdefault("name", self.preset)
        if "low_res_size" in kwargs:   # multi-scale: the small image's height and width
            kwargs["low_res_shape"] = tuple(kwargs.pop("low_res_size")) + info.image_shape[2:]
        return kwargs

    def make_model(self):
        """A new model of this (resolved) config: the family's builder, or
        ``kp.models.multiscale`` when ``model_kwargs`` has a ``low_res_size``."""
        kwargs = self.builder_kwargs()
        if "low_res_shape" in kwargs:
            return model_presets.multiscale(family=self.model, **kwargs)
        return model_presets.BUILDERS[self.model](**kwargs)

    # ------------------------------------------------------------------ resolution

    def resolved(self):
        """A copy with every default filled in and every field checked.

        Raises:
            ValueError: for an unknown family, preset, dataset, split, schedule, for a preset
                whose images do not fit the dataset, or for out-of-range numbers.
        """
        cfg = dataclasses.replace(self, model_kwargs=dict(self.model_kwargs or {}))
        preset = model_presets.get_preset(cfg.preset) if cfg.preset else None
        if preset is not None:
            if cfg.model not in (None, preset["family"]):
                raise ValueError(f"preset {cfg.preset!r} is a {preset['family']} model but "
                                 f"model={cfg.model!r} was asked for; pass one of them.")
            cfg.model = preset["family"]
            cfg.dataset = cfg.dataset or preset["train"]["dataset"]
        cfg.model = cfg.model or "diagonal_bilstm"
        if cfg.model not in model_presets.BUILDERS:
            raise ValueError(f"Unknown model {cfg.model!r}. Valid models are: "
                             f"{', '.join(repr(m) for m in model_presets.BUILDERS)} (or pass "
                             f"a preset: {', '.join(model_presets.list_presets())}).")
        cfg.dataset = cfg.dataset or "digits"
        info = kd.get_info(cfg.dataset)  # Unknown names: a ValueError listing the valid ones.
        if cfg.binarize not in (None, "fixed", "dynamic"):
            raise ValueError(f"binarize must be None, 'fixed' or 'dynamic', got "
                             f"{cfg.binarize!r}.")
        if cfg.binarize and (info.image_shape[-1] != 1 or info.num_levels <= 2):
            raise ValueError(f"binarize={cfg.binarize!r} needs grey images with more than two "
                             f"levels; {cfg.dataset!r} has {info.image_shape[-1]} channel(s) "
                             f"and {info.num_levels} levels.")
        data_info = cfg.dataset_info()
        if preset is not None:
            kd.check_compatible(data_info, preset["model"]["image_shape"],
                                preset["model"]["num_levels"])
            sizes, extra = preset["model"], preset["train"]
            if preset["train"]["dataset"] != cfg.dataset:
                extra = {}
        else:
            sizes, extra = _dataset_sizes(cfg.dataset, cfg.model)
        for key in _SIZE_KEYS:
            if getattr(cfg, key) is None and sizes.get(key) is not None:
                setattr(cfg, key, int(sizes[key]))
        for key, value in sizes.items():
            if key not in _SIZE_KEYS + ("image_shape", "num_levels"):
                cfg.model_kwargs.setdefault(key, value)
        for key in ("image_shape", "num_levels", "num_layers", "hidden_dim", "output_dim"):
            if key in cfg.model_kwargs:
                raise ValueError(f"model_kwargs must not hold {key!r}: "
                                 + ("it comes from the dataset." if key in
                                    ("image_shape", "num_levels") else f"pass {key}= itself."))
        cfg.num_layers = cfg.num_layers or 1
        cfg.hidden_dim = cfg.hidden_dim or 16
        if cfg.batch_size is None:
            cfg.batch_size = int(extra.get("batch_size", 16))
        if cfg.validation_split == "auto":
            cfg.validation_split = ("validation" if "validation" in info.splits
                                    and cfg.eval_split != "validation" else None)
        if cfg.validation_split:
            data_splits.check_split(info, cfg.validation_split,
                                    allow_slicing=kd_info.is_tfds(cfg.dataset))
        _check_positive_int(cfg, "epochs", "batch_size", "num_layers", "hidden_dim")
        if cfg.output_dim is not None:
            _check_positive_int(cfg, "output_dim")
        if cfg.steps_per_epoch is not None:
            _check_positive_int(cfg, "steps_per_epoch")
        if cfg.schedule not in SCHEDULES:
            raise ValueError(f"Unknown schedule {cfg.schedule!r}. Valid schedules are: "
                             f"{', '.join(repr(s) for s in SCHEDULES)}.")
        if cfg.num_classes is not None:
            _check_positive_int(cfg, "num_classes")
            if info.num_classes != cfg.num_classes:
                raise ValueError(
                    f"num_classes={cfg.num_classes} but dataset {cfg.dataset!r} has "
                    + (f"{info.num_classes} classes; pass num_classes={info.num_classes}."
                       if info.num_classes else
                       "no class labels here; class-conditional training needs 'digits' or "
                       "'mnist_5k' (or model.fit with your own labels)."))
        if cfg.learning_rate is None:
            cfg.learning_rate = _DEFAULT_LEARNING_RATE.get(cfg.dataset, 1e-3)
        if not float(cfg.learning_rate) > 0:
            raise ValueError(f"learning_rate must be positive, got {cfg.learning_rate}.")
        if cfg.clipnorm is not None and float(cfg.clipnorm) < 0:
            raise ValueError(f"clipnorm must be positive (or None/0: no clipping), got "
                             f"{cfg.clipnorm}.")
        cfg.clipnorm = float(cfg.clipnorm) if cfg.clipnorm else None
        cfg.learning_rate = float(cfg.learning_rate)
        return cfg

    # ------------------------------------------------------------------ files

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values):
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValueError(f"Unknown TrainConfig fields: {', '.join(unknown)}. Valid fields: "
                             f"{', '.join(sorted(names))}.")
        return cls(**values)

    def save(self, workdir):
        """Writes ``workdir/config.json`` (atomically)."""
        os.makedirs(workdir, exist_ok=True)
        path = os.path.join(workdir, CONFIG_FILE)
        with open(path + ".tmp", "w") as f:
            json.dump({"format_version": FORMAT_VERSION, "config": self.to_dict()}, f, indent=2)
        os.replace(path + ".tmp", path)
        return path

    @classmethod
    def load(cls, workdir):
        """Reads ``workdir/config.json``; ``None`` when the workdir has none.

        Raises:
            ConfigMismatchError: when the file is unreadable or not a config.
        """
        path = os.path.join(workdir, CONFIG_FILE)
        if not os.path.exists(path):
            return None
        try:
            with open(path) as f:
                content = json.load(f)
            return cls.from_dict(content["config"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise ConfigMismatchError(
                f"{path} is not a readable training config ({type(err).__name__}: {err}). "
                "Use a new workdir, or delete this one to start over.") from None


def _dataset_sizes(dataset, family):
    """``(model sizes, train settings)`` of the preset that fits ``dataset`` and ``family``
    (another family's one-scale preset for the dataset when ``family`` has none: a model on
    a dataset never becomes multi-scale unless asked with ``--multiscale``)."""
    prefix = _SIZE_PREFIX.get(dataset)
    names = model_presets.list_presets()
    name = f"{prefix}_{family}"
    if name not in names:
        candidates = [n for n in names if prefix and n.startswith(prefix + "_")
                      and "low_res_size" not in model_presets.get_preset(n)["model"]]
        if not candidates:
            return {}, {}
        name = candidates[0]
    preset = model_presets.get_preset(name)
    return preset["model"], preset["train"]


def _check_positive_int(cfg, *names):
    for name in names:
        value = getattr(cfg, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def reconcile(saved, requested, workdir):
    """The config to run in a workdir that already holds ``saved`` (resolved), when the
    caller asked for ``requested`` (resolved, or ``None`` for "whatever is there").

    Only ``epochs`` may change (to continue a finished run, or stop earlier).

    Raises:
        ConfigMismatchError: listing every other field that differs.
    """
    if requested is None:
        return saved
    old, new = saved.to_dict(), requested.to_dict()
    differ = [k for k in old if k not in _MAY_CHANGE and _normal(old[k]) != _normal(new[k])]
    if differ:
        lines = "\n".join(f"  {k}: workdir has {old[k]!r}, asked for {new[k]!r}" for k in differ)
        raise ConfigMismatchError(
            f"The workdir {workdir} holds a run with another configuration:\n{lines}\n"
            f"To resume that run, rerun with the same settings (or only --workdir); to train "
            f"this configuration, use a new workdir (or delete {workdir} to start over).")
    return dataclasses.replace(saved, epochs=requested.epochs)


def _normal(value):
    """JSON round trip, so that tuples and lists compare equal."""
    return json.loads(json.dumps(value))
