"""SavedModel export with ``log_prob``, ``sample`` and ``complete`` serving signatures.

TensorFlow only. The exported SavedModel holds plain TensorFlow graphs, a ``tf.Module`` and
``tf.Variable`` objects (no Keras object): loading and serving it (``tf.saved_model.load``,
TF Serving, ``saved_model_cli``, ``keras.layers.TFSMLayer``) needs no keras_pixelrnn.

Signatures (inputs named as below; every input is required):

* ``serving_default`` and ``log_prob``: ``images`` int32 ``(B, H, W, C)`` →
  ``log_prob`` float32 ``(B,)`` (nats) and ``bits_per_dim`` float32 ``(B,)``.
* ``sample``: ``num_samples`` int32 ``()``, ``seed`` int64 ``(2,)`` → ``images`` int32
  ``(num_samples, H, W, C)``.
* ``sample_with_temperature``: the same and ``temperature`` float32 ``()``.
* ``complete``: ``images`` int32 ``(B, H, W, C)`` (values where ``known_mask`` is False are
  ignored), ``known_mask`` bool ``(B, H, W, C)`` or ``(B, H, W, 1)`` (whole pixels),
  ``seed`` int64 ``(2,)`` → ``images`` int32 ``(B, H, W, C)``.
* ``complete_with_temperature``: the same and ``temperature`` float32 ``()``.

Conditional models take their conditions as further inputs of every signature, one value
per image or a single value for all (shape ``(1, ...)``):

* class-conditional models (``num_classes=K``): ``class_label`` int32 ``(B,)``, in
  ``[0, K)``;
* models conditioned on a low-resolution image (``condition_shape=(h, w, C)``):
  ``condition`` int32 ``(B, h, w, C)``.

A multi-scale model (``kp.models.multiscale``) takes the full images (and ``class_label``
when class-conditional): ``log_prob`` is its two-stage likelihood, and ``sample`` /
``complete`` return ``images`` (the full images) and ``low_res_images`` (the small images
sampled first, ``images[:, ::fh, ::fw]``), with the seeds of ``kp.sampling.sample``.

``sample`` and ``complete`` sample at temperature 1. A SignatureDef cannot have an optional
input that TF Serving honours (its Predict API requires every input of a signature), hence
the ``*_with_temperature`` twins.

Seeds: the served ``sample`` for ``num_samples=n, seed=[a, b]`` returns exactly
``kp.sampling.sample(model, n, seed=(a, b), batch_size=batch_size)``, for every ``n`` (the
SavedModel samples in batches of the export's ``batch_size``, default 64 as in
:func:`kp.sampling.sample`, batch ``k`` with ``fold_in(seed, k)``); ``seed=[s, 0]`` is
``seed=s``. Likewise ``complete`` equals ``kp.sampling.complete(model, images, known_mask,
seed=(a, b), batch_size=batch_size)``.

Validation happens inside the graph, so that TF Serving clients get it too: images of the
wrong shape or with values outside ``[0, num_levels)``, batches above the limits fixed at
export time, ``num_samples <= 0``, seeds that are not two numbers and non-positive
temperatures fail with ``InvalidArgumentError`` (gRPC/REST status ``INVALID_ARGUMENT``) and a
message that says what was expected, before the model runs or a sample is allocated.
"""

import json
import math
import numbers
import os
import shutil
import tempfile

import tensorflow as tf

from keras_pixelrnn import conditioning
from keras_pixelrnn.losses import subpixel_nll
from keras_pixelrnn.models.multiscale import multiscale_nll
from keras_pixelrnn.sampling.cached import CachedSampler
from keras_pixelrnn.sampling.draw import fold_in

SIGNATURES = ("serving_default", "log_prob", "sample", "sample_with_temperature", "complete",
              "complete_with_temperature")
METADATA_FILE = "keras_pixelrnn.json"
FORMAT_VERSION = 1


def export_saved_model(model, path, version=None, max_samples=256, max_batch=1024,
                       batch_size=64, jit_compile=False, overwrite=False):
    """Writes ``model`` as a SavedModel with log_prob, sample and complete signatures.

    Args:
        model: a model from :mod:`keras_pixelrnn.models` (built by a builder, so that the
            cached sampler can step through its layers).
        path: the SavedModel directory; with ``version``, the model base path of TF Serving
            (``--model_base_path``), and the SavedModel goes to ``path/<version>/``.
        version: None, or a positive integer: TF Serving's version directory.
        max_samples: the most images one ``sample``/``complete`` request may ask for; larger
            requests fail with InvalidArgument instead of exhausting memory or time.
        max_batch: the most images one ``log_prob`` request may send.
        batch_size: images sampled (and scored) together; memory of one request grows with
            it, not with ``num_samples``. Samples equal ``kp.sampling.sample(...,
            batch_size=batch_size)``'s.
        jit_compile: compile the sampler with XLA. Off by default: the plain graph runs
            anywhere TensorFlow runs (TF Serving compiles XLA only experimentally), and gives
            the same samples.
        overwrite: replace an existing non-empty directory at the target.

    Returns:
        The directory the SavedModel was written to (``path`` or ``path/<version>``).

    Raises:
        ValueError: for a model the cached sampler cannot step through, or bad arguments.
        FileExistsError: when the target holds files and ``overwrite`` is False.
    """
    for name, value in [("max_samples", max_samples), ("max_batch", max_batch),
                        ("batch_size", batch_size)]:
        if not _is_positive_int(value):
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    target = os.fspath(path)
    if version is not None:
        if not _is_positive_int(version):
            raise ValueError(f"version must be a positive integer (TF Serving's version "
                             f"directory), got {version!r}.")
        target = os.path.join(target, str(int(version)))
    if os.path.isdir(target) and os.listdir(target) and not overwrite:
        raise FileExistsError(f"{target} already holds files; pass overwrite=True to replace "
                              "it, or export a new version.")
    if os.path.exists(target) and not os.path.isdir(target):
        raise FileExistsError(f"{target} exists and is not a directory.")

    servable = _Servable(model, max_samples=max_samples, max_batch=max_batch,
                         batch_size=batch_size, jit_compile=jit_compile)
    parent = os.path.dirname(os.path.abspath(target))
    os.makedirs(parent, exist_ok=True)
    # Write next to the target and rename: TF Serving polls the base path and must never see
    # a half-written version (a directory whose name is not a number is ignored).
    staging = tempfile.mkdtemp(prefix=".export-tmp-", dir=parent)
    try:
        with open(os.path.join(staging, METADATA_FILE), "w") as f:
            json.dump(servable.metadata_dict, f, indent=2)
        servable.root.metadata_file = tf.saved_model.Asset(os.path.join(staging, METADATA_FILE))
        saved = os.path.join(staging, "saved_model")
        signatures = {name: getattr(servable.root, name) for name in SIGNATURES[1:]}
        signatures["serving_default"] = servable.root.log_prob
        tf.saved_model.save(servable.root, saved, signatures=signatures)
        if os.path.isdir(target):
            shutil.rmtree(target)
        os.replace(saved, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def export_from_workdir(workdir, out, checkpoint="last", **kwargs):
    """Exports the model trained in ``workdir`` (see :mod:`keras_pixelrnn.training`).

    Args:
        workdir: a folder written by ``python -m keras_pixelrnn train``.
        out: as ``path`` of :func:`export_saved_model`.
        checkpoint: ``"last"``, ``"best"`` or a ``.keras`` file.
        **kwargs: passed on to :func:`export_saved_model` (``version``, ``max_samples``, ...).

    Returns:
        The directory the SavedModel was written to.
    """
    from keras_pixelrnn import training   # imported here: training is heavier, and optional

    model, _ = training.load_model(workdir, checkpoint)
    return export_saved_model(model, out, **kwargs)


def read_metadata(path):
    """The metadata dict stored in an exported SavedModel directory (no TensorFlow needed):
    ``image_shape``, ``num_levels``, ``family``, the limits and the signatures."""
    with open(os.path.join(os.fspath(path), "assets", METADATA_FILE)) as f:
        return json.load(f)


def _is_positive_int(value):
    return (isinstance(value, numbers.Integral) and not isinstance(value, bool)
            and value >= 1)


def _assert(condition, data, name):
    """An Assert op without ``tf.debugging.Assert``'s guarding ``tf.cond`` (which makes
    Grappler's loop optimizer warn on every call); ``data`` is cheap here."""
    return tf.raw_ops.Assert(condition=condition, data=data, summarize=8, name=name)


class _Stage:
    """One model the servable samples from: the model, its cached sampler and its sizes."""

    def __init__(self, model, jit_compile):
        self.model = model
        self.sampler = CachedSampler(model, jit_compile=jit_compile)   # checks the model
        self.image_shape = tuple(int(d) for d in self.sampler.parts.image_shape)
        self.spec = conditioning.condition_spec(model)

    def inputs(self, images, conditions):
        """What the model takes: the images, or the dict with the conditions it uses."""
        images = tf.cast(images, conditioning.images_input(self.model).dtype)
        used = {name: conditions[name] for name in self.spec}
        return dict(images=images, **used) if used else images


class _Servable:
    """The tf.Module saved: signature functions, the model's variables, metadata.

    A multi-scale model has two stages (the small image's model, then the full image's model
    conditioned on it); every other model has one. Conditions the user gives (``class_label``;
    ``condition``, the low-resolution image of a model conditioned on one) are signature
    inputs with one value per image, or a single value for all.
    """

    def __init__(self, model, max_samples, max_batch, batch_size, jit_compile):
        self.multiscale = hasattr(model, "low_res_model")
        if self.multiscale:
            self.stages = [_Stage(model.low_res_model, jit_compile),
                           _Stage(model.high_res_model, jit_compile)]
            self.factors = tuple(int(f) for f in model.factors)
            self.spec = dict(self.stages[0].spec)   # the user gives only the class label
        else:
            self.stages = [_Stage(model, jit_compile)]
            self.spec = dict(self.stages[0].spec)
        final = self.stages[-1]
        parts = final.sampler.parts
        self.model = model
        self.image_shape = final.image_shape
        self.num_levels = int(parts.num_levels)
        self.max_samples, self.max_batch, self.batch_size = max_samples, max_batch, batch_size
        height, width, channels = self.image_shape
        self.metadata_dict = {
            "format_version": FORMAT_VERSION,
            "family": parts.blocks[0].kind if parts.blocks else "unknown",
            "name": model.name,
            "image_shape": list(self.image_shape),
            "num_levels": self.num_levels,
            "num_layers": len(parts.blocks),
            "num_parameters": int(model.count_params()),
            "num_classes": self.spec.get("class_label"),
            "condition_shape": (list(self.spec["condition"]) if "condition" in self.spec
                                else None),
            "low_res_shape": (list(self.stages[0].image_shape) if self.multiscale else None),
            "max_samples": max_samples,
            "max_batch": max_batch,
            "batch_size": batch_size,
            "jit_compile": bool(jit_compile),
            "images_dtype": "int32",
            "signatures": list(SIGNATURES),
            "condition_inputs": sorted(self.spec),
            "seed_convention": ("sample(num_samples=n, seed=[a, b]) == kp.sampling.sample("
                                f"model, n, seed=(a, b), batch_size={batch_size})"),
        }

        images = tf.TensorSpec((None, height, width, channels), tf.int32, name="images")
        known = tf.TensorSpec((None, height, width, None), tf.bool, name="known_mask")
        num_samples = tf.TensorSpec((), tf.int32, name="num_samples")
        seed = tf.TensorSpec((2,), tf.int64, name="seed")
        temperature = tf.TensorSpec((), tf.float32, name="temperature")
        # Condition inputs, in a fixed order, after the signature's own inputs.
        extra = []
        if "class_label" in self.spec:
            extra.append(tf.TensorSpec((None,), tf.int32, name="class_label"))
        if "condition" in self.spec:
            extra.append(tf.TensorSpec((None,) + tuple(self.spec["condition"]), tf.int32,
                                       name="condition"))
        names = [spec.name for spec in extra]

        def with_conditions(fn, count):
            """``fn(*first count args, conditions_dict)`` as a function of positional args."""
            def signature(*args):
                return fn(*args[:count], dict(zip(names, args[count:])))
            return signature

        root = tf.Module()
        root.log_prob = tf.function(with_conditions(self._log_prob, 1),
                                    input_signature=[images] + extra)
        root.sample = tf.function(with_conditions(self._sample, 2),
                                  input_signature=[num_samples, seed] + extra)
        root.sample_with_temperature = tf.function(
            with_conditions(self._sample_with_temperature, 3),
            input_signature=[num_samples, seed, temperature] + extra)
        root.complete = tf.function(with_conditions(self._complete, 3),
                                    input_signature=[images, known, seed] + extra)
        root.complete_with_temperature = tf.function(
            with_conditions(self._complete_with_temperature, 4),
            input_signature=[images, known, seed, temperature] + extra)
        meta = {key: value for key, value in self.metadata_dict.items()
                if key in ("family", "image_shape", "num_levels", "max_samples", "max_batch",
                           "batch_size")}
        root.metadata = tf.function(lambda: {k: tf.constant(v) for k, v in meta.items()},
                                    input_signature=[])
        # The model's variables, found through the traced functions (as keras.export does):
        # only tf.Variables are saved, no Keras object, so loading needs no Keras.
        variables, seen = [], set()
        for name in SIGNATURES[1:]:
            for variable in getattr(root, name).get_concrete_function().variables:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    variables.append(variable)
        root.model_variables = variables
        self.root = root

    # -- signatures ----------------------------------------------------------------------

    def _log_prob(self, images, conditions):
        images = self._checked_images(images, self.max_batch, "log_prob")
        conditions = self._checked_conditions(conditions, tf.shape(images)[0])
        height, width, channels = self.image_shape
        log_prob = self._in_batches(dict(images=images, **conditions), self._batch_log_prob,
                                    tf.float32, ())
        bits = -log_prob / tf.constant(height * width * channels * math.log(2.0), tf.float32)
        return {"log_prob": log_prob, "bits_per_dim": bits}

    def _sample(self, num_samples, seed, conditions):
        return self._sample_with_temperature(num_samples, seed, tf.constant(1.0), conditions)

    def _sample_with_temperature(self, num_samples, seed, temperature, conditions):
        num_samples = self._checked_count(num_samples)
        seed, temperature = self._checked_seed(seed), self._checked_temperature(temperature)
        conditions = self._checked_conditions(conditions, num_samples)
        shape = tf.concat([[num_samples], self.image_shape], 0)
        images = tf.zeros(shape, tf.int32)
        return self._draw(images, tf.zeros(shape, tf.bool), seed, temperature, conditions)

    def _complete(self, images, known_mask, seed, conditions):
        return self._complete_with_temperature(images, known_mask, seed, tf.constant(1.0),
                                               conditions)

    def _complete_with_temperature(self, images, known_mask, seed, temperature, conditions):
        images, known = self._checked_known(known_mask, images)
        given = self._checked_images(tf.where(known, images, 0), self.max_samples, "complete")
        seed, temperature = self._checked_seed(seed), self._checked_temperature(temperature)
        conditions = self._checked_conditions(conditions, tf.shape(given)[0])
        return self._draw(given, known, seed, temperature, conditions)

    # -- computation -----------------------------------------------------------------------

    def _batch_log_prob(self, batch):
        images = batch["images"]
        if self.multiscale:
            outputs = self.model(self._multiscale_inputs(batch), training=False)
            nll = multiscale_nll(images, tf.cast(outputs["low_res"], tf.float32),
                                 tf.cast(outputs["high_res"], tf.float32), self.factors)
            return -nll
        stage = self.stages[0]
        logits = self.model(stage.inputs(images, batch), training=False)
        nll = subpixel_nll(images, tf.cast(logits, tf.float32))
        return -tf.reduce_sum(nll, axis=[1, 2, 3])

    def _multiscale_inputs(self, batch):
        images = tf.cast(batch["images"], conditioning.images_input(self.model).dtype)
        return dict(images=images, class_label=batch["class_label"]) \
            if "class_label" in self.spec else images

    def _draw(self, images, known, seed, temperature, conditions):
        """``{"images"}`` sampled where ``known`` is False (multi-scale: the small image
        first, then the rest of the full one given it; ``"low_res_images"`` too)."""
        if not self.multiscale:
            return {"images": self._draw_stage(self.stages[0], images, known, seed,
                                               temperature, conditions)}
        # As MultiScaleModel.complete: the two stages' seeds are (a, 2b) and (a, 2b + 1).
        low_seed = tf.stack([seed[0], 2 * seed[1]])
        high_seed = tf.stack([seed[0], 2 * seed[1] + 1])
        fh, fw = self.factors
        small = self._draw_stage(self.stages[0], images[:, ::fh, ::fw], known[:, ::fh, ::fw],
                                 low_seed, temperature, conditions)
        height, width, _ = self.image_shape
        grid = (tf.range(height) % fh == 0)[:, None] & (tf.range(width) % fw == 0)[None, :]
        grid = grid[None, :, :, None]
        spread = tf.repeat(tf.repeat(small, fh, axis=1), fw, axis=2)[:, :height, :width]
        images = tf.where(grid, spread, images)
        known = tf.logical_or(known, tf.broadcast_to(grid, tf.shape(known)))
        large = self._draw_stage(self.stages[1], images, known, high_seed, temperature,
                                 dict(conditions, condition=small))
        return {"images": large, "low_res_images": small}

    def _draw_stage(self, stage, images, known, seed, temperature, conditions):
        """Samples batch ``k`` of ``batch_size`` images with ``fold_in(seed, k)``, as
        ``kp.sampling.sample``/``complete`` do."""
        def run(k, batch):
            return stage.sampler.run(batch["images"], batch["known"], fold_in(seed, k),
                                     temperature, {name: batch[name] for name in stage.spec})
        return self._in_batches(dict(images=images, known=known, **conditions), run,
                                tf.int32, stage.image_shape, with_index=True)

    def _in_batches(self, tensors, fn, dtype, item_shape, with_index=False):
        """Applies ``fn`` to consecutive batches of ``batch_size`` items of the dict
        ``tensors`` (all of one batch) in a while loop (memory bounded by one batch) and
        concatenates the results."""
        total = tf.shape(tensors["images"])[0]
        size = self.batch_size
        count = (total + size - 1) // size
        results = tf.TensorArray(dtype, size=count, infer_shape=False,
                                 element_shape=tf.TensorShape((None,) + tuple(item_shape)))

        def body(k, results):
            start = k * size
            stop = tf.minimum(start + size, total)
            batch = {name: value[start:stop] for name, value in tensors.items()}
            out = fn(k, batch) if with_index else fn(batch)
            return k + 1, results.write(k, out)

        _, results = tf.while_loop(lambda k, _: k < count, body, (tf.constant(0), results))
        out = results.concat()
        out.set_shape((None,) + tuple(item_shape))
        return out

    # -- validation (in the graph, before any work) -------------------------------------------
    #
    # Shapes are checked first with EnsureShape: TF Serving (like any session) feeds a tensor
    # of any shape to a signature's placeholder, and Grappler folds ops such as
    # tf.size(tf.shape(x)) from the placeholder's static shape, which would defeat a check
    # written with them; EnsureShape runs on the real tensor and is not folded away.
    # Every later op depends on the checks through control dependencies.

    def _checked_images(self, images, max_images, what):
        images = tf.ensure_shape(images, (None,) + self.image_shape)
        batch = tf.shape(images)[0]
        with tf.control_dependencies([_assert(
                tf.logical_and(batch >= 1, batch <= max_images),
                [f"{what}: the number of images must be in [1, {max_images}] (the limit fixed "
                 "at export), got:", batch], name="check_batch")]):
            images = tf.identity(images)
        low, high = tf.reduce_min(images), tf.reduce_max(images)
        with tf.control_dependencies([_assert(
                tf.logical_and(low >= 0, high < self.num_levels),
                [f"images must hold pixel values in [0, {self.num_levels}) for this model "
                 f"(num_levels={self.num_levels}), got values from", low, "to", high],
                name="check_images_range")]):
            return tf.identity(images)

    def _checked_known(self, known_mask, images):
        height, width, channels = self.image_shape
        images = tf.ensure_shape(images, (None,) + self.image_shape)
        known = tf.ensure_shape(known_mask, (None, height, width, None))
        shape, batch = tf.shape(known), tf.shape(images)[0]
        ok = tf.logical_and(tf.equal(shape[0], batch),
                            tf.logical_or(tf.equal(shape[3], 1), tf.equal(shape[3], channels)))
        last = "1" if channels == 1 else f"1 or {channels}"
        with tf.control_dependencies([_assert(ok, [
                f"known_mask must be bool of shape (batch, {height}, {width}, {last}) with the "
                "batch of images (True where the value is given), got shape:", shape,
                "for images of batch", batch], name="check_known_mask")]):
            known = tf.identity(known)
        return images, tf.broadcast_to(known, tf.shape(images))

    def _checked_count(self, num_samples):
        count = tf.ensure_shape(num_samples, ())
        with tf.control_dependencies([_assert(
                tf.logical_and(count >= 1, count <= self.max_samples),
                [f"num_samples must be in [1, {self.max_samples}] (the limit fixed at export), "
                 "got:", count], name="check_num_samples")]):
            return tf.identity(count)

    def _checked_conditions(self, conditions, batch):
        """The condition inputs, checked and broadcast to ``batch`` (one value for all, or one
        per image)."""
        out = {}
        for name, value in conditions.items():
            if name == "class_label":
                num_classes = self.spec[name]
                value = tf.ensure_shape(value, (None,))
                rule = (f"class_label must be int32 of shape (batch,) or (1,) (one class for "
                        f"all), classes in [0, {num_classes})")
                low_ok = tf.logical_or(tf.size(value) == 0, tf.reduce_min(value) >= 0)
                high_ok = tf.logical_or(tf.size(value) == 0,
                                        tf.reduce_max(value) < num_classes)
                ok = tf.logical_and(low_ok, high_ok)
            else:
                shape = tuple(self.spec[name])
                value = tf.ensure_shape(value, (None,) + shape)
                rule = (f"condition must be int32 low-resolution images of shape (batch, "
                        f"{', '.join(map(str, shape))}) or (1, ...), values in "
                        f"[0, {self.num_levels})")
                ok = tf.logical_or(tf.size(value) == 0, tf.logical_and(
                    tf.reduce_min(value) >= 0, tf.reduce_max(value) < self.num_levels))
            count = tf.shape(value)[0]
            fits = tf.logical_or(tf.equal(count, 1), tf.equal(count, batch))
            with tf.control_dependencies([_assert(
                    tf.logical_and(fits, ok),
                    [f"{rule}; got", count, "values for a batch of", batch],
                    name=f"check_{name}")]):
                value = tf.identity(value)
            count = tf.shape(value)[0]     # read after the check: never 0 here
            multiples = tf.concat([[batch // count], tf.ones(tf.rank(value) - 1, tf.int32)], 0)
            out[name] = tf.tile(value, multiples)
        return out

    def _checked_seed(self, seed):
        return tf.ensure_shape(seed, (2,))

    def _checked_temperature(self, temperature):
        value = tf.ensure_shape(temperature, ())
        with tf.control_dependencies([_assert(
                tf.logical_and(tf.math.is_finite(value), value > 0),
                ["temperature must be a positive number, got:", value],
                name="check_temperature")]):
            return tf.identity(value)
