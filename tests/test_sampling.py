"""Sampling and completion: cached equals naive, the draws follow the model, bad input."""

import itertools

import keras
import numpy as np
import pytest

import keras_pixelrnn as kp

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                reason="the samplers are TensorFlow graphs")

FAMILIES = ["pixel_cnn", "row_lstm", "diagonal_bilstm"]


def build(family, image_shape, num_layers=2, num_levels=7, **kwargs):
    keras.utils.set_random_seed(7)
    return kp.models.BUILDERS[family](image_shape, num_layers=num_layers, hidden_dim=6,
                                      num_levels=num_levels, **kwargs)


@pytest.mark.parametrize("kind", ["pixel_cnn", "row_lstm", "diagonal_bilstm"])
@pytest.mark.parametrize("groups,shape", [(1, (4, 6)), (3, (5, 3))])
def test_incremental_block_steps_equal_the_full_call(float64, kind, groups, shape):
    """Visiting positions in raster order with pixel_step/commit/end_row gives the block's
    full-map output (the math the cached sampler relies on)."""
    height, width = shape
    block = kp.layers.ResidualBlock(3 * groups, kind, color_channels=groups)
    x = np.random.default_rng(0).normal(size=(2, height, width, 6 * groups))
    full = np.asarray(block(x))
    cache = block.initial_cache(2, width)
    steps = np.zeros_like(full)
    for i in range(height):
        for j in range(width):
            y, pending = block.pixel_step(cache, x[:, i, j], j)
            cache = block.commit(cache, pending, j)
            steps[:, i, j] = np.asarray(y)
        cache = block.end_row(cache)
    np.testing.assert_allclose(steps, full, rtol=1e-10, atol=1e-12)


CASES = [
    ("pixel_cnn", (4, 5, 1), 1, {}), ("pixel_cnn", (3, 4, 3), 3, {}),
    ("pixel_cnn", (5, 3, 1), 2, dict(kernel_size=5, skip_connections=False)),
    ("row_lstm", (4, 5, 1), 1, {}), ("row_lstm", (3, 4, 3), 3, {}),
    ("row_lstm", (5, 3, 1), 2, dict(residual=False, skip_connections=False)),
    ("diagonal_bilstm", (4, 5, 1), 1, {}), ("diagonal_bilstm", (3, 4, 3), 3, {}),
    ("diagonal_bilstm", (5, 3, 3), 2, dict(residual=False)),
]


@pytest.mark.parametrize("family,shape,num_layers,kwargs", CASES)
def test_cached_equals_naive(family, shape, num_layers, kwargs):
    model = build(family, shape, num_layers, **kwargs)
    cached = kp.sampling.sample(model, 6, seed=11, method="cached")
    naive = kp.sampling.sample(model, 6, seed=11, method="naive")
    np.testing.assert_array_equal(cached, naive)
    assert cached.shape == (6,) + shape and cached.dtype == np.int32
    assert cached.min() >= 0 and cached.max() < 7
    assert len(np.unique(cached.reshape(6, -1), axis=0)) > 1     # not one repeated image


@pytest.mark.parametrize("family", FAMILIES)
def test_cached_equals_naive_for_completion_and_temperature(family):
    model = build(family, (4, 4, 3))
    images = np.random.default_rng(0).integers(0, 7, size=(3, 4, 4, 3))
    known = np.random.default_rng(1).random((3, 4, 4)) < 0.5
    for temperature in (0.5, 2.0):
        cached = kp.sampling.complete(model, images, known, seed=5, temperature=temperature)
        naive = kp.sampling.complete(model, images, known, seed=5, temperature=temperature,
                                     method="naive")
        np.testing.assert_array_equal(cached, naive)


@pytest.mark.parametrize("family", FAMILIES)
def test_completion_keeps_given_pixels(family):
    model = build(family, (5, 4, 3))
    rng = np.random.default_rng(2)
    images = rng.integers(0, 7, size=(4, 5, 4, 3))
    known = rng.random((4, 5, 4, 3)) < 0.6                  # sub-pixel mask
    out = kp.sampling.complete(model, images, known, seed=1)
    np.testing.assert_array_equal(out[known], images[known])
    assert out.min() >= 0 and out.max() < 7
    everything = kp.sampling.complete(model, images, np.ones((4, 5, 4), bool), seed=1)
    np.testing.assert_array_equal(everything, images)


def test_completion_with_nothing_given_is_sampling():
    model = build("row_lstm", (3, 4, 1))
    nothing = kp.sampling.complete(model, np.zeros((5, 3, 4, 1), int),
                                   np.zeros((5, 3, 4), bool), seed=9)
    np.testing.assert_array_equal(nothing, kp.sampling.sample(model, 5, seed=9))


def test_bottom_half_completion_depends_on_the_given_top():
    model = build("diagonal_bilstm", (6, 4, 1))
    known = np.zeros((2, 6, 4), bool)
    known[:, :3] = True
    top_a = np.zeros((2, 6, 4, 1), int)
    top_b = np.full((2, 6, 4, 1), 6)
    a = kp.sampling.complete(model, top_a, known, seed=3)
    b = kp.sampling.complete(model, top_b, known, seed=3)
    assert np.any(a[:, 3:] != b[:, 3:])


def test_same_seed_same_images_and_batching_is_reproducible():
    model = build("pixel_cnn", (4, 4, 1))
    a = kp.sampling.sample(model, 10, seed=4, batch_size=4)
    np.testing.assert_array_equal(a, kp.sampling.sample(model, 10, seed=4, batch_size=4))
    assert np.any(a != kp.sampling.sample(model, 10, seed=5, batch_size=4))
    np.testing.assert_array_equal(a[:4], kp.sampling.sample(model, 4, seed=4, batch_size=4))


@pytest.mark.parametrize("family", FAMILIES)
def test_samples_follow_the_model_distribution(family):
    """With 2x2 binary images all 16 images have exact probabilities (from log_prob); the
    frequencies of many cached samples match them."""
    model = build(family, (2, 2, 1), num_levels=2)
    head = model.get_layer("head").logits
    head.set_weights([w * 8 for w in head.get_weights()])   # a peaked, non-uniform model
    every = np.array(list(itertools.product([0, 1], repeat=4))).reshape(16, 2, 2, 1)
    probs = np.exp(kp.log_prob(model, every))
    np.testing.assert_allclose(probs.sum(), 1.0, rtol=1e-5)
    n = 8000
    samples = kp.sampling.sample(model, n, seed=0, batch_size=n)
    codes = samples.reshape(n, 4) @ (2 ** np.arange(3, -1, -1))
    freq = np.bincount(codes, minlength=16) / n
    # 5 standard errors per image, plus a little slack for float32 rounding.
    assert np.all(np.abs(freq - probs) <= 5 * np.sqrt(probs * (1 - probs) / n) + 1e-3), (
        freq, probs)


def test_low_temperature_concentrates_on_likely_images():
    model = build("row_lstm", (3, 3, 1), num_levels=4)
    cold = kp.log_prob(model, kp.sampling.sample(model, 200, seed=1, temperature=0.3))
    warm = kp.log_prob(model, kp.sampling.sample(model, 200, seed=1, temperature=1.0))
    assert cold.mean() > warm.mean()


def test_progress_bar_gives_the_same_images(capsys):
    model = build("diagonal_bilstm", (3, 4, 1))
    with_bar = kp.sampling.sample(model, 3, seed=2, progress=True)
    np.testing.assert_array_equal(with_bar, kp.sampling.sample(model, 3, seed=2))
    assert "row" in capsys.readouterr().out


@pytest.mark.parametrize("call,message", [
    (lambda m: kp.sampling.sample(m, 0), "num_samples must be a positive integer"),
    (lambda m: kp.sampling.sample(m, 2.5), "num_samples must be a positive integer"),
    (lambda m: kp.sampling.sample(m, 2, temperature=0), "temperature must be a positive"),
    (lambda m: kp.sampling.sample(m, 2, temperature=float("nan")), "temperature"),
    (lambda m: kp.sampling.sample(m, 2, method="fast"), "method must be one of"),
    (lambda m: kp.sampling.sample(m, 2, seed="x"), "seed must be"),
    (lambda m: kp.sampling.complete(m, np.zeros((2, 3, 4, 1)), np.zeros((2, 4, 3), bool)),
     "known_mask must have shape"),
    (lambda m: kp.sampling.complete(m, np.zeros((2, 3, 4, 1)), np.zeros((2, 3, 4))),
     "known_mask must be booleans"),
    (lambda m: kp.sampling.complete(m, np.full((2, 3, 4, 1), 9), np.ones((2, 3, 4), bool)),
     r"min 9 and max 9"),
    (lambda m: kp.sampling.complete(m, np.zeros((2, 3, 5, 1)), np.ones((2, 3, 5), bool)),
     "3x5 pixels"),
])
def test_bad_arguments_give_clear_errors(call, message):
    model = build("pixel_cnn", (3, 4, 1))
    with pytest.raises((ValueError, TypeError), match=message):
        call(model)


def test_unknown_pixels_may_hold_any_placeholder():
    model = build("pixel_cnn", (3, 4, 1))
    images = np.full((1, 3, 4, 1), -1)
    images[0, 0] = 3
    known = np.zeros((1, 3, 4), bool)
    known[0, 0] = True
    out = kp.sampling.complete(model, images, known, seed=0)
    assert np.all(out[0, 0] == 3) and out.min() >= 0
