"""keras_pixelrnn command line: train, evaluate, sample from and complete with PixelRNNs.

  python -m keras_pixelrnn train    --workdir=DIR [--model=diagonal_bilstm|row_lstm|pixel_cnn
                                    | --preset=NAME] [--dataset=digits] [--epochs=N]
                                    [--strategy=default|mirrored|multi_worker|tpu] ...
  python -m keras_pixelrnn evaluate --workdir=DIR [--dataset=NAME] [--split=test]
  python -m keras_pixelrnn sample   --workdir=DIR [--num_samples=16] [--temperature=1.0]
                                    [--method=cached|naive] [--seed=0] [--out=FILE.png]
  python -m keras_pixelrnn complete --workdir=DIR [--num_images=8] [--num_completions=4]
                                    [--occlude=bottom_half] [--out=FILE.png]

The workdir holds config.json, checkpoints/, backup/, TensorBoard logs/, metrics.json and
training_curves.png. Rerunning `train` with the same workdir resumes after the last completed
epoch (only --workdir is needed; pass a larger --epochs to continue a finished run).
Errors in the input (unknown names, data that does not fit the model, a corrupt checkpoint)
end with exit status 1 and a message saying what to do; --traceback shows the Python trace.

Each subcommand is one function registered with @command(name, summary) in COMMANDS.
"""

import collections
import math
import os
import sys
import time

import numpy as np
from absl import app, flags, logging

Command = collections.namedtuple("Command", ["name", "summary", "run"])
COMMANDS = {}


def command(name, summary):
    """Registers ``run()`` as the subcommand ``name`` (a one-line ``summary`` for --help)."""

    def register(run):
        COMMANDS[name] = Command(name, summary, run)
        return run

    return register


FLAGS = flags.FLAGS

# Shared.
flags.DEFINE_string("workdir", None, "Folder of the run: config, checkpoints, logs, metrics.")
flags.DEFINE_string("dataset", None, "Dataset name (train: default the preset's or 'digits'; "
                    "evaluate/complete: default the run's).")
flags.DEFINE_string("data_dir", None, "tfds data directory holding prepared tfds datasets (mnist_5k: the folder of mnist_train_5k.npz).")
flags.DEFINE_string("split", None, "Split to evaluate / take images from (default: 'test', or "
                    "'validation' when the dataset has no test split).")
flags.DEFINE_string("checkpoint", "last", "Model to load: 'last', 'best' or a .keras file.")
flags.DEFINE_integer("seed", None, "train: seed of weights, shuffling and binarization "
                     "(default 0); sample/complete: sampling seed (default 0).")
flags.DEFINE_integer("batch_size", None, "train: global batch size (default: the preset's, "
                     "16 as in the paper); evaluate: images per forward pass (default 64).")
flags.DEFINE_bool("traceback", False, "Show Python tracebacks for errors.")
# train.
flags.DEFINE_enum("model", None, ["pixel_cnn", "row_lstm", "diagonal_bilstm"],
                  "Model family (default: the preset's, else diagonal_bilstm); its sizes "
                  "default to the dataset's preset of that family.")
flags.DEFINE_string("preset", None, "A model preset (kp.models.list_presets()), e.g. "
                    "digits_diagonal_bilstm or binarized_mnist_diagonal_bilstm.")
flags.DEFINE_integer("num_layers", None, "Residual blocks after the first 7x7 convolution.")
flags.DEFINE_integer("hidden_dim", None, "Hidden units h (blocks carry 2h features).")
flags.DEFINE_integer("output_dim", None, "Features of the output head's hidden layer.")
flags.DEFINE_integer("epochs", None, "Number of epochs (default 10).")
flags.DEFINE_integer("steps_per_epoch", None, "Batches per epoch (default: one pass).")
flags.DEFINE_float("learning_rate", None, "Initial RMSProp learning rate (default 5e-3 on "
                   "digits, else 1e-3).")
flags.DEFINE_enum("schedule", None, ["cosine", "exponential", "constant"],
                  "Learning-rate schedule (default cosine).")
flags.DEFINE_float("clipnorm", None, "Clip each step's gradient to this global norm (default "
                   "1.0; 0 disables).")
flags.DEFINE_enum("binarize", None, ["none", "fixed", "dynamic"],
                  "Binarize grey training images (dynamic: redrawn each epoch); evaluation "
                  "data is then binarized fixed.")
flags.DEFINE_string("validation_split", None, "Split evaluated after each epoch ('none' for "
                    "none; default: the dataset's validation split, if any).")
flags.DEFINE_integer("num_classes", None, "train: a class-conditional model on the dataset's "
                     "labels (digits, mnist_5k: 10).")
flags.DEFINE_integer("class_label", None, "sample: the class of every sample of a "
                     "class-conditional model (default: classes in turn, one per grid row).")
flags.DEFINE_string("multiscale", None, "train: a multi-scale model (paper §3.6) whose small "
                    "image is HxW (subsampled from the images), e.g. 4x4 for 8x8 digits.")
flags.DEFINE_enum("strategy", "default", ["default", "mirrored", "multi_worker", "tpu"],
                  "tf.distribute strategy (multi_worker reads TF_CONFIG).")
flags.DEFINE_string("tpu", None, "TPU name or grpc:// address (strategy=tpu).")
# evaluate.
flags.DEFINE_integer("max_examples", None, "evaluate: only the first images of the split.")
# sample / complete.
flags.DEFINE_integer("num_samples", 16, "sample: number of images.")
flags.DEFINE_float("temperature", 1.0, "sample/complete: softmax temperature.")
flags.DEFINE_enum("method", "cached", ["cached", "naive"], "sample/complete: sampler.")
flags.DEFINE_string("out", None, "sample/complete: PNG file to write (default: "
                    "WORKDIR/samples.png, WORKDIR/completions.png); export: the SavedModel "
                    "directory, or TF Serving's model base path with --version.")
flags.DEFINE_integer("num_images", 8, "complete: number of test images.")
flags.DEFINE_integer("num_completions", 4, "complete: completions per image.")
flags.DEFINE_enum("occlude", "bottom_half", ["bottom_half", "right_half"],
                  "complete: what to hide (bottom_half: the paper's demo).")

# export.
flags.DEFINE_integer("version", None, "export: TF Serving version; writes OUT/VERSION.")
flags.DEFINE_integer("max_samples", 256, "export: most images per sample/complete request.")
flags.DEFINE_bool("jit_compile", False, "export: XLA-compile the sampler.")
flags.DEFINE_bool("overwrite", False, "export: replace an existing export.")

# Flags that map to TrainConfig fields one to one.
_TRAIN_FIELDS = ("model", "preset", "num_layers", "hidden_dim", "output_dim", "dataset",
                 "batch_size", "epochs", "steps_per_epoch", "learning_rate", "schedule",
                 "clipnorm", "seed", "num_classes")


def _require_workdir():
    if not FLAGS.workdir:
        raise app.UsageError("--workdir is required.")
    return FLAGS.workdir


def _size(text, flag):
    """``"4x4"`` → ``[4, 4]``."""
    try:
        height, width = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise app.UsageError(f"{flag} must be HEIGHTxWIDTH, e.g. 4x4; got {text!r}.") from None
    return [height, width]


def _seed():
    return 0 if FLAGS.seed is None else FLAGS.seed


@command("train", "train a model (resumes the run in --workdir)")
def train_command():
    from keras_pixelrnn import training

    workdir = _require_workdir()
    overrides = {name: FLAGS[name].value for name in _TRAIN_FIELDS
                 if FLAGS[name].present and FLAGS[name].value is not None}
    if FLAGS["binarize"].present:
        overrides["binarize"] = None if FLAGS.binarize == "none" else FLAGS.binarize
    if FLAGS["validation_split"].present:
        split = FLAGS.validation_split
        overrides["validation_split"] = None if split.lower() in ("", "none") else split
    if overrides.get("clipnorm") == 0:
        overrides["clipnorm"] = None
    if FLAGS.multiscale:
        overrides["model_kwargs"] = {"low_res_size": _size(FLAGS.multiscale, "--multiscale")}
    training.train(workdir, strategy=FLAGS.strategy, tpu=FLAGS.tpu, data_dir=FLAGS.data_dir,
                   **overrides)


@command("evaluate", "exact NLL of a split: nats/image and bits/dim")
def evaluate_command():
    from keras_pixelrnn import training

    workdir = _require_workdir()
    start = time.perf_counter()
    result = training.evaluate(workdir, dataset=FLAGS.dataset, split=FLAGS.split,
                               checkpoint=FLAGS.checkpoint, batch_size=FLAGS.batch_size or 64,
                               data_dir=FLAGS.data_dir, max_examples=FLAGS.max_examples)
    levels = 2 if result.get("binarize") else _num_levels(result["dataset"])
    print(f"{result['dataset']} {result['split']} ({result['num_images']} images, "
          f"{time.perf_counter() - start:.1f} s): {result['nats_per_image']:.3f} nats/image, "
          f"{result['bits_per_dim']:.4f} bits/dim (uniform: {math.log2(levels):.4f} "
          "bits/dim)")


def _num_levels(dataset):
    from keras_pixelrnn import data as kd

    return kd.get_info(dataset).num_levels


@command("sample", "draw images from a trained model into a PNG grid")
def sample_command():
    from keras_pixelrnn import figures, sampling, training

    workdir = _require_workdir()
    model, config = training.load_model(workdir, FLAGS.checkpoint)
    labels = None
    if config.num_classes:
        labels = (FLAGS.class_label if FLAGS.class_label is not None else
                  np.arange(FLAGS.num_samples) * config.num_classes // FLAGS.num_samples)
    start = time.perf_counter()
    images = sampling.sample(model, FLAGS.num_samples, seed=_seed(),
                             temperature=FLAGS.temperature, method=FLAGS.method,
                             progress=True, class_label=labels)
    seconds = time.perf_counter() - start
    out = FLAGS.out or os.path.join(workdir, "samples.png")
    kind = ("multi-scale " if hasattr(model, "low_res_model") else "") + \
        ("class-conditional " if config.num_classes else "")
    title = (f"{kind}{config.preset or config.model} on {config.dataset}: {len(images)} "
             f"samples (T={FLAGS.temperature:g}, seed {_seed()})")
    ncols = None
    if labels is not None and FLAGS.class_label is None:   # one row per class
        ncols = -(-FLAGS.num_samples // config.num_classes)
        title += "; row k: class k"
    elif labels is not None:
        title += f"; class {FLAGS.class_label}"
    if hasattr(model, "low_res_model"):   # multi-scale: the small images beside the large
        fh, fw = model.factors
        figures.save_multiscale_grid(images[:, ::fh, ::fw], images, model.num_levels, out,
                                     ncols=ncols, title=title)
    else:
        figures.save_sample_grid(images, model.num_levels, out, ncols=ncols, title=title)
    print(f"Sampled {len(images)} images in {seconds:.1f} s ({FLAGS.method}): {out}")


def known_mask(shape, occlude):
    """``(B, H, W)`` booleans, True where the pixel is shown, for an ``occlude`` mode."""
    batch, height, width = shape[:3]
    mask = np.ones((batch, height, width), bool)
    if occlude == "bottom_half":
        mask[:, height // 2:] = False
    elif occlude == "right_half":
        mask[:, :, width // 2:] = False
    else:
        raise ValueError(f"Unknown occlusion {occlude!r}; valid: 'bottom_half', 'right_half'.")
    return mask


@command("complete", "complete occluded test images into a PNG figure")
def complete_command():
    from keras_pixelrnn import data as kd
    from keras_pixelrnn import figures, sampling, training
    from keras_pixelrnn.training.config import EVAL_SEED

    workdir = _require_workdir()
    model, config = training.load_model(workdir, FLAGS.checkpoint)
    dataset = FLAGS.dataset or config.dataset
    split = FLAGS.split or ("test" if "test" in kd.get_info(dataset).splits else "validation")
    binarize = config.eval_binarize if dataset == config.dataset else None
    count, copies = FLAGS.num_images, FLAGS.num_completions
    if count < 1 or copies < 1:
        raise ValueError("--num_images and --num_completions must be positive.")
    data, info = kd.load(dataset, split=split, batch_size=count, shuffle=False,
                         binarize=binarize, seed=EVAL_SEED, data_dir=FLAGS.data_dir,
                         with_info=True)
    kd.check_compatible(info, model.image_shape, model.num_levels)
    originals = np.asarray(next(iter(data)), dtype="int32")
    mask = known_mask(originals.shape, FLAGS.occlude)
    labels = None
    if config.num_classes:   # each image completed given its own class
        labels = np.repeat(kd.labels(dataset, split, FLAGS.data_dir)[:len(originals)], copies)
    start = time.perf_counter()
    completed = sampling.complete(model, np.repeat(originals, copies, axis=0),
                                  np.repeat(mask, copies, axis=0), seed=_seed(),
                                  temperature=FLAGS.temperature, method=FLAGS.method,
                                  progress=True, class_label=labels)
    seconds = time.perf_counter() - start
    completed = completed.reshape((len(originals), copies) + completed.shape[1:])
    out = FLAGS.out or os.path.join(workdir, "completions.png")
    title = (f"{config.preset or config.model}: {dataset} {split} images, "
             f"{FLAGS.occlude.replace('_', ' ')} hidden")
    figures.save_completion_figure(originals, mask, completed, model.num_levels, out,
                                   title=title)
    print(f"Completed {len(originals)} images x {copies} in {seconds:.1f} s ({FLAGS.method}): "
          f"{out}")


@command("export", "write a SavedModel (log_prob/sample/complete signatures) for TF Serving")
def export_command():
    from keras_pixelrnn import export

    workdir = _require_workdir()
    if not FLAGS.out:
        raise app.UsageError("--out is required (the SavedModel, or TF Serving's model base "
                             "path with --version).")
    path = export.export_from_workdir(workdir, FLAGS.out, checkpoint=FLAGS.checkpoint,
                                      version=FLAGS.version, max_samples=FLAGS.max_samples,
                                      jit_compile=FLAGS.jit_compile, overwrite=FLAGS.overwrite)
    print(f"Exported {path}. Inspect it with: saved_model_cli show --all --dir {path}")


def _user_errors():
    from keras_pixelrnn import data as kd
    from keras_pixelrnn import training

    return (ValueError, FileNotFoundError, FileExistsError, NotADirectoryError,
            kd.DatasetUnavailableError, training.CheckpointError, training.StrategyError)


def _usage():
    lines = [f"  {c.name:10s} {c.summary}" for c in COMMANDS.values()]
    return "commands:\n" + "\n".join(lines)


def main(argv):
    if len(argv) < 2:
        raise app.UsageError(f"Name a command.\n{_usage()}")
    name, extra = argv[1], argv[2:]
    if name not in COMMANDS:
        raise app.UsageError(f"Unknown command {name!r}.\n{_usage()}")
    if extra:
        raise app.UsageError(f"Unexpected arguments {' '.join(extra)!r} (flags are written "
                             "--name=value).")
    if not FLAGS["verbosity"].present:  # TensorFlow's INFO logs are noise for a user.
        logging.set_verbosity(logging.WARNING)
    try:
        COMMANDS[name].run()
    except _user_errors() as err:
        if FLAGS.traceback:
            raise
        print(f"Error: {err}", file=sys.stderr)
        return 1
    return 0


def run(argv=None):
    """Entry point of ``python -m keras_pixelrnn``."""
    app.run(main, argv=argv)

