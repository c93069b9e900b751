"""Builders, likelihood, training without a named loss, presets, errors, serialization."""

import math
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_pixelrnn as kp

FAMILIES = ["pixel_cnn", "row_lstm", "diagonal_bilstm"]


def small(family, image_shape=(5, 6, 3), num_levels=8, **kwargs):
    return kp.models.BUILDERS[family](image_shape, num_layers=2, hidden_dim=6,
                                      num_levels=num_levels, **kwargs)


def images(shape, levels, n=4, seed=0):
    return np.random.default_rng(seed).integers(0, levels, size=(n,) + shape)


@pytest.mark.parametrize("family", FAMILIES)
def test_output_shape_and_metadata(family):
    model = small(family)
    logits = model(images((5, 6, 3), 8).astype("float32"))
    assert logits.shape == (4, 5, 6, 3, 8)
    assert model.image_shape == (5, 6, 3) and model.num_levels == 8
    assert isinstance(model, kp.models.PixelModel)


@pytest.mark.parametrize("family", FAMILIES)
def test_log_prob_matches_softmax_of_logits(family):
    model = small(family)
    x = images((5, 6, 3), 8)
    logits = np.asarray(model(x.astype("float32")), dtype="float64")
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    expected = np.take_along_axis(log_softmax, x[..., None], -1).sum(axis=(1, 2, 3, 4))
    np.testing.assert_allclose(kp.log_prob(model, x, batch_size=3), expected, rtol=1e-5)


@pytest.mark.parametrize("levels", [2, 17, 256])
def test_uniform_model_scores_log2_levels_bits_per_dim(levels):
    model = small("row_lstm", num_levels=levels)
    head = model.get_layer("head").logits
    head.set_weights([np.zeros_like(w) for w in head.get_weights()])
    x = images((5, 6, 3), levels)
    np.testing.assert_allclose(kp.bits_per_dim(model, x), math.log2(levels), rtol=1e-6)
    np.testing.assert_allclose(kp.log_prob(model, x), -5 * 6 * 3 * math.log(levels),
                               rtol=1e-6)


@pytest.mark.parametrize("family", FAMILIES)
def test_compile_without_loss_trains_on_nll_and_reports_bits_per_dim(family):
    keras.utils.set_random_seed(0)
    model = small(family, image_shape=(6, 6, 1), num_levels=4)
    model.compile(optimizer=keras.optimizers.RMSprop(3e-3))
    x = images((6, 6, 1), 4, n=32) // 2 * 2           # learnable: only even values
    history = model.fit(x, batch_size=8, epochs=4, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    np.testing.assert_allclose(history["bits_per_dim"][-1], history["loss"][-1] / math.log(2),
                               rtol=1e-3)
    np.testing.assert_allclose(history["nats_per_image"][-1], history["loss"][-1] * 36,
                               rtol=1e-3)
    result = model.evaluate(x, verbose=0, return_dict=True)
    np.testing.assert_allclose(result["bits_per_dim"], kp.bits_per_dim(model, x).mean(),
                               rtol=1e-4)


@pytest.mark.parametrize("bad,message", [
    (np.full((2, 5, 6, 3), 8), r"min 8 and max 8"),
    (np.full((2, 5, 6, 3), -1), r"\[0, 8\)"),
    (np.zeros((2, 5, 6, 1)), "1 colour channels but the model was built for 3"),
    (np.zeros((2, 4, 6, 3)), "4x6 pixels but the model was built for 5x6"),
    (np.zeros((5, 6, 3)), "batch axis"),
    (np.full((2, 5, 6, 3), 0.5), r"\[0, 1\]"),
    (np.full((2, 5, 6, 3), 2.5), "fractional"),
    (np.array([["a"]]), "dtype"),
])
def test_bad_images_give_clear_errors(bad, message):
    model = small("pixel_cnn")
    with pytest.raises((ValueError, TypeError), match=message):
        kp.log_prob(model, bad)
    model.compile()
    with pytest.raises((ValueError, TypeError), match=message):
        model.fit(bad, verbose=0)


def test_eight_bit_images_on_a_binary_model_get_a_hint():
    model = small("pixel_cnn", image_shape=(4, 4, 1), num_levels=2)
    with pytest.raises(ValueError, match="num_levels=256"):
        kp.log_prob(model, np.full((1, 4, 4, 1), 200, "uint8"))


@pytest.mark.parametrize("kwargs,message", [
    (dict(image_shape=(5, 5)), "height, width, channels"),
    (dict(image_shape=(5, 5, 2)), "1 \\(grey\\) or 3 \\(RGB\\)"),
    (dict(image_shape=(5, 5, 1), num_levels=1), "num_levels"),
    (dict(image_shape=(5, 5, 1), num_layers=0), "positive"),
])
def test_bad_builder_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kp.models.row_lstm(**kwargs)


@pytest.mark.parametrize("family", FAMILIES)
def test_keras_save_load_round_trip(family, tmp_path):
    model = small(family, skip_connections=family != "row_lstm")
    model.compile(optimizer="rmsprop")
    model.fit(images((5, 6, 3), 8, n=4), epochs=1, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, kp.models.PixelModel)
    x = images((5, 6, 3), 8).astype("float32")
    np.testing.assert_array_equal(np.asarray(loaded(x)), np.asarray(model(x)))
    np.testing.assert_allclose(kp.log_prob(loaded, x), kp.log_prob(model, x))
    loaded.fit(x, epochs=1, verbose=0)                   # compiled state came back too


def test_presets_hold_the_papers_settings():
    assert {"binarized_mnist_diagonal_bilstm", "cifar10_row_lstm", "cifar10_diagonal_bilstm",
            "cifar10_pixel_cnn", "imagenet32_row_lstm",
            "imagenet64_row_lstm"} <= set(kp.models.list_presets())
    mnist = kp.models.get_preset("binarized_mnist_diagonal_bilstm")["model"]
    assert (mnist["num_layers"], mnist["hidden_dim"], mnist["num_levels"]) == (7, 16, 2)
    assert kp.models.get_preset("cifar10_pixel_cnn")["model"]["num_layers"] == 15
    assert kp.models.get_preset("imagenet32_row_lstm")["model"]["hidden_dim"] == 384
    assert kp.models.get_preset("imagenet64_row_lstm")["model"]["residual"] is False


def test_from_preset_builds_and_accepts_overrides():
    model = kp.models.from_preset("binarized_mnist_diagonal_bilstm")
    assert model.image_shape == (28, 28, 1) and model.num_levels == 2
    assert len([l for l in model.layers if isinstance(l, kp.layers.ResidualBlock)]) == 7
    small_cifar = kp.models.from_preset("cifar10_row_lstm", num_layers=1, hidden_dim=8)
    assert small_cifar.image_shape == (32, 32, 3) and small_cifar.num_levels == 256
    with pytest.raises(ValueError, match="Valid presets: .*cifar10_row_lstm"):
        kp.models.from_preset("cifar100_row_lstm")


def test_multiscale_preset_is_the_papers_imagenet64_setting():
    """The ImageNet 64x64 multi-scale preset: a 4-layer h=512 Row LSTM without residual
    connections for the full image, given a 32x32 image from a 12-layer h=384 Row LSTM."""
    model = kp.models.from_preset("imagenet64_multiscale_row_lstm")
    assert isinstance(model, kp.models.MultiScaleModel)
    assert model.image_shape == (64, 64, 3) and model.low_res_shape == (32, 32, 3)
    assert model.factors == (2, 2) and model.num_levels == 256

    def blocks(part):
        return [l for l in part.layers if isinstance(l, kp.layers.ResidualBlock)]

    high, low = blocks(model.high_res_model), blocks(model.low_res_model)
    assert [len(high), len(low)] == [4, 12]
    assert {b.hidden_dim for b in high} == {512} and {b.hidden_dim for b in low} == {384}
    assert {b.residual for b in high} == {False} and {b.residual for b in low} == {True}
    config = kp.training.TrainConfig(preset="imagenet64_multiscale_row_lstm").resolved()
    assert config.dataset == "downsampled_imagenet/64x64" and config.batch_size == 32
    built = config.make_model()
    assert isinstance(built, kp.models.MultiScaleModel)
    assert built.count_params() == model.count_params()


@pytest.mark.parametrize("family", FAMILIES)
def test_mixed_precision_model_trains(family):
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        model = small(family, image_shape=(4, 5, 1), num_levels=4)
    finally:
        keras.config.set_dtype_policy(policy)
    assert model.outputs[0].dtype == "float32"
    model.compile(optimizer="rmsprop")
    history = model.fit(images((4, 5, 1), 4, n=8), epochs=2, verbose=0).history
    assert np.all(np.isfinite(history["loss"]))


# Under JAX by default: the layer tests and every layer's and block's causality tests
# (about 100 s); the model-level causality cases too when slow tests are selected (3 min).
JAX_LAYER_TESTS = ("test_layers or test_masked_conv2d or test_row_lstm or test_diagonal_lstm "
                   "or test_diagonal_bilstm or test_residual_block or test_colour_order")


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="runs the JAX copy")
@pytest.mark.parametrize("selection", [
    pytest.param(JAX_LAYER_TESTS, id="layers"),
    pytest.param(None, id="all", marks=pytest.mark.slow),
])
def test_layers_and_causality_under_jax_backend(selection):
    """The model math is written in keras.ops: the same tests pass on the JAX backend."""
    pytest.importorskip("jax")
    here = os.path.dirname(__file__)
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_ENABLE_X64="1", JAX_PLATFORMS="cpu")
    select = ["-k", selection] if selection else []
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *select,
         os.path.join(here, "test_causality.py"), os.path.join(here, "test_layers.py")],
        env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
