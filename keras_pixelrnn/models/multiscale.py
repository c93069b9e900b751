"""The multi-scale PixelRNN (paper §3.6): a small image first, then the large one given it."""

import math

import keras
import numpy as np
from keras import ops

from keras_pixelrnn import conditioning
from keras_pixelrnn.layers.condition_encoder import upsampling_factors
from keras_pixelrnn.losses import LN2, subpixel_nll
from keras_pixelrnn.models.builder import check_image_shape


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class Subsample(keras.layers.Layer):
    """Keeps every ``factors[0]``-th row and ``factors[1]``-th column: ``x[:, ::fh, ::fw]``."""

    def __init__(self, factors, **kwargs):
        super().__init__(**kwargs)
        self.factors = tuple(int(f) for f in factors)

    def call(self, images):
        return images[:, :: self.factors[0], :: self.factors[1]]

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        return (b, -(-h // self.factors[0]), -(-w // self.factors[1]), c)

    def get_config(self):
        return dict(super().get_config(), factors=self.factors)


def grid_mask(image_shape, factors):
    """Bool ``(H, W)``: True at the pixels the small image holds (``Subsample``'s)."""
    height, width = image_shape[:2]
    rows = np.arange(height) % factors[0] == 0
    cols = np.arange(width) % factors[1] == 0
    return rows[:, None] & cols[None, :]


def multiscale_nll(images, low_logits, high_logits, factors):
    """Nats per image: ``-log p_low(s(x)) - sum over the sub-pixels off the grid of
    -log p_high(x_k | x_<k, s(x))`` (``s``: subsampling)."""
    small = images[:, :: factors[0], :: factors[1]]
    low = ops.sum(subpixel_nll(small, low_logits), axis=(1, 2, 3))
    off_grid = ops.convert_to_tensor(~grid_mask(images.shape[1:3], factors))
    high = subpixel_nll(images, high_logits) * ops.cast(off_grid, high_logits.dtype)[
        None, :, :, None]
    return low + ops.sum(high, axis=(1, 2, 3))


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class MultiScaleModel(keras.Model):
    """A low-resolution model and a full-resolution model conditioned on its image.

    Built by :func:`multiscale`. Input: the full images ``(B, H, W, C)`` (a dict with
    ``"images"`` and ``"class_label"`` when class-conditional); the small image is the
    subsample ``s(x) = x[:, ::fh, ::fw]``. Outputs ``{"low_res": logits of s(x),
    "high_res": logits of x given s(x)}``.

    Likelihood: the model samples ``s(x)`` from the low-resolution model, then every
    sub-pixel of ``x`` that ``s(x)`` does not already hold from the conditional model, in
    raster order (the grid pixels are fixed to ``s(x)``). So
    ``log p(x) = log p_low(s(x)) + sum_{k off the grid} log p_high(x_k | x_<k, s(x))``,
    an exact, normalised likelihood of the full image: ``log_prob`` and the training loss
    (its mean per sub-pixel of ``x``; bits/dim divide by ``H * W * C``) are this.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bits_per_dim_tracker = keras.metrics.Mean(name="bits_per_dim")
        self.nats_per_image_tracker = keras.metrics.Mean(name="nats_per_image")

    # The two models and the subsampling, found by name.
    @property
    def low_res_model(self):
        return self.get_layer("low_res")

    @property
    def high_res_model(self):
        return self.get_layer("high_res")

    @property
    def factors(self):
        return self.get_layer("subsample").factors

    @property
    def image_shape(self):
        return tuple(self.outputs_by_name("high_res").shape[1:4])

    @property
    def low_res_shape(self):
        return tuple(self.outputs_by_name("low_res").shape[1:4])

    @property
    def num_levels(self):
        return int(self.outputs_by_name("high_res").shape[-1])

    def outputs_by_name(self, name):
        return self.output[name]

    # Training.
    def compile(self, optimizer="rmsprop", **kwargs):
        kwargs.pop("loss", None)
        kwargs.pop("metrics", None)
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def _nll(self, x, y_pred):
        images = x["images"] if isinstance(x, dict) else x
        return multiscale_nll(images, y_pred["low_res"], y_pred["high_res"], self.factors)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        nll = self._nll(x, y_pred)
        loss = ops.mean(nll) / math.prod(self.image_shape)
        losses = self.losses
        return loss + ops.sum(ops.stack(losses)) if losses else loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        nll = self._nll(x, y_pred)
        self.nats_per_image_tracker.update_state(nll)
        self.bits_per_dim_tracker.update_state(nll / (math.prod(self.image_shape) * LN2))
        return self.get_metrics_result()

    def _checked(self, x):
        if isinstance(x, dict) and all(isinstance(v, (np.ndarray, list)) for v in x.values()):
            return self._checked_inputs(x.get("images"), x.get("class_label"))
        if isinstance(x, (np.ndarray, list)):
            return self._checked_inputs(x)
        return x

    def _checked_inputs(self, images, class_label=None):
        """Checked model inputs for full-size images (and labels when class-conditional)."""
        images = conditioning.check_images(images, self.image_shape, self.num_levels)
        labels = conditioning.check_conditions(self.low_res_model, len(images), class_label)
        return dict(labels, images=images) if labels else images

    def fit(self, x=None, y=None, *args, **kwargs):
        return super().fit(self._checked(x), y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        return super().evaluate(self._checked(x), y, *args, **kwargs)

    # Likelihood and sampling (used by kp.log_prob, kp.sampling.sample / complete).
    def log_prob(self, images, batch_size=32, class_label=None):
        """Exact log-likelihood of full-size images in nats, ``(B,)`` float64."""
        inputs = self._checked_inputs(images, class_label)
        count = len(inputs["images"]) if isinstance(inputs, dict) else len(inputs)
        totals = []
        for start in range(0, count, batch_size):
            batch = ({k: v[start:start + batch_size] for k, v in inputs.items()}
                     if isinstance(inputs, dict) else inputs[start:start + batch_size])
            outputs = self.predict_on_batch(batch)
            images_batch = batch["images"] if isinstance(batch, dict) else batch
            totals.append(np.asarray(multiscale_nll(
                ops.convert_to_tensor(images_batch),
                ops.convert_to_tensor(outputs["low_res"]),
                ops.convert_to_tensor(outputs["high_res"]), self.factors), "float64"))
        return -np.concatenate(totals)

    def sample(self, num_samples, seed=None, temperature=1.0, method="cached", batch_size=64,
               progress=False, class_label=None):
        """The small images from the low-resolution model, then the large ones given them:
        int32 ``(num_samples, H, W, C)`` (``x[:, ::fh, ::fw]`` is the small image)."""
        shape = (num_samples,) + self.image_shape
        return self.complete(np.zeros(shape, "int32"), np.zeros(shape, bool), seed=seed,
                             temperature=temperature, method=method, batch_size=batch_size,
                             progress=progress, class_label=class_label)

    def complete(self, images, known_mask, seed=None, temperature=1.0, method="cached",
                 batch_size=64, progress=False, class_label=None):
        """Completion at both scales: the small image's unknown pixels first (given its known
        ones), then the large image's other unknown pixels given the small image."""
        from keras_pixelrnn.sampling import api

        images = np.asarray(images)
        known = np.asarray(known_mask)
        if known.dtype != bool or known.shape[:3] != images.shape[:3]:
            raise ValueError(f"known_mask must be booleans of shape {images.shape[:3]} or "
                             f"{images.shape}, got {known.dtype} {known.shape}.")
        known = np.broadcast_to(known.reshape(known.shape[:3] + (-1,)), images.shape)
        low_seed, high_seed = _two_seeds(seed)
        fh, fw = self.factors
        small = api.complete(self.low_res_model, images[:, ::fh, ::fw], known[:, ::fh, ::fw],
                             seed=low_seed, temperature=temperature, method=method,
                             batch_size=batch_size, progress=progress,
                             class_label=class_label)
        grid = grid_mask(self.image_shape, self.factors)[None, :, :, None]
        images = np.where(known, images, 0).astype("int32")
        images[:, ::fh, ::fw] = small
        known = known | np.broadcast_to(grid, known.shape)
        high_label = class_label if "class_label" in conditioning.condition_spec(
            self.high_res_model) else None
        return api.complete(self.high_res_model, images, known, seed=high_seed,
                            temperature=temperature, method=method, batch_size=batch_size,
                            progress=progress, class_label=high_label, condition=small)


def _two_seeds(seed):
    """Seeds of the two stages from the user's seed (an int, a pair, or None)."""
    if seed is None:
        seed = np.random.randint(0, 2**31 - 1)
    values = np.atleast_1d(np.asarray(seed)).astype("int64")
    if values.size == 1:
        values = np.array([values[0], 0])
    if values.shape != (2,):
        raise ValueError(f"seed must be an int or a pair of ints, got {seed!r}.")
    return (int(values[0]), 2 * int(values[1])), (int(values[0]), 2 * int(values[1]) + 1)


def multiscale(image_shape, low_res_shape, family="row_lstm", num_layers=4, hidden_dim=16,
               num_levels=256, output_dim=None, num_classes=None, low_res_kwargs=None,
               name=None, **kwargs):
    """The multi-scale PixelRNN: an unconditional small-image model and a model of the full
    image conditioned on the small one (paper §3.6), trained together.

    Args:
        image_shape: ``(H, W, C)`` of the full images.
        low_res_shape: ``(h, w, C)`` of the small image, the subsample ``x[:, ::H/h, ::W/w]``;
            ``H``, ``W`` must be multiples of ``h``, ``w``.
        family: ``"pixel_cnn"``, ``"row_lstm"`` or ``"diagonal_bilstm"``, for both models.
        num_layers, hidden_dim, num_levels, output_dim: sizes of both models.
        num_classes: make both models class-conditional (inputs then a dict ``{"images",
            "class_label"}``).
        low_res_kwargs: builder arguments that differ for the small-image model.
        name: model name.
        **kwargs: further builder arguments for both models (``residual``, ...).

    Returns:
        A :class:`MultiScaleModel`; see its docstring for the likelihood.

    Example:
    >>> model = multiscale((16, 16, 1), (8, 8, 1), "row_lstm", num_levels=17)
    """
    from keras_pixelrnn.models.presets import BUILDERS

    if family not in BUILDERS:
        raise ValueError(f"family must be one of {sorted(BUILDERS)}, got {family!r}.")
    height, width, channels = check_image_shape(image_shape)
    low_res_shape = check_image_shape(low_res_shape)
    if low_res_shape[2] != channels:
        raise ValueError(f"low_res_shape {low_res_shape} must have the images' {channels} "
                         "channel(s).")
    factors = upsampling_factors(image_shape, low_res_shape)
    common = dict(num_layers=num_layers, hidden_dim=hidden_dim, num_levels=num_levels,
                  output_dim=output_dim, num_classes=num_classes, **kwargs)
    low = BUILDERS[family](low_res_shape, **dict(common, **(low_res_kwargs or {})),
                           name="low_res")
    high = BUILDERS[family](image_shape, condition_shape=low_res_shape, name="high_res",
                            **common)
    images = keras.Input((height, width, channels), name="images")
    small = Subsample(factors, name="subsample")(images)
    inputs = images
    if num_classes:
        label = keras.Input((), dtype="int32", name="class_label")
        inputs = {"images": images, "class_label": label}
        low_out = low({"images": small, "class_label": label})
        high_out = high({"images": images, "class_label": label, "condition": small})
    else:
        low_out = low(small)
        high_out = high({"images": images, "condition": small})
    return MultiScaleModel(inputs=inputs, outputs={"low_res": low_out, "high_res": high_out},
                           name=name or f"multiscale_{family}")
