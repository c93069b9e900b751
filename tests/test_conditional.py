"""Conditional models (class label, low-resolution image) and the multi-scale PixelRNN.

Causality of the conditional models over the image is proven in test_causality.py; here:
the likelihoods are exact and normalised (summing over every image gives 1, for every
condition), sampling follows them, cached sampling equals the naive reference, and bad
conditions give clear errors.
"""

import itertools

import keras
import numpy as np
import pytest

import keras_pixelrnn as kp

FAMILIES = ["pixel_cnn", "row_lstm", "diagonal_bilstm"]
# Every binary 2x2 image, as (16, 2, 2, 1).
EVERY_2X2 = np.array(list(itertools.product([0, 1], repeat=4))).reshape(16, 2, 2, 1)


def _peaked(model):
    """Scales the output layers' weights so that the distribution is far from uniform."""
    for layer in model.layers:
        inner = [layer] if not isinstance(layer, keras.Model) else layer.layers
        for sub in inner:
            if sub.name == "head":
                sub.logits.set_weights([w * 30 for w in sub.logits.get_weights()])
    return model


@pytest.mark.parametrize("family", FAMILIES)
def test_conditional_likelihood_is_normalised_for_every_condition(family):
    model = _peaked(kp.models.BUILDERS[family]((2, 2, 1), num_layers=1, hidden_dim=4,
                                               num_levels=2, num_classes=3,
                                               condition_shape=(1, 1, 1)))
    totals = {}
    for label, low in itertools.product(range(3), range(2)):
        probs = np.exp(kp.log_prob(model, EVERY_2X2, class_label=label,
                                   condition=np.full((1, 1, 1), low)))
        totals[label, low] = probs.sum()
        assert probs.max() > 0.1   # peaked (uniform: 1/16), so the check below is not trivially uniform
    np.testing.assert_allclose(list(totals.values()), 1.0, rtol=1e-5)


@pytest.mark.parametrize("family", FAMILIES)
def test_multiscale_likelihood_is_normalised_and_sampling_follows_it(family):
    """log p(x) = log p_low(s(x)) + the off-grid sub-pixels' log p_high: a distribution over
    full images (sums to 1), and the two-stage sampler draws from exactly it."""
    model = _peaked(kp.models.multiscale((2, 2, 1), (1, 1, 1), family, num_layers=1,
                                         hidden_dim=4, num_levels=2))
    probs = np.exp(kp.log_prob(model, EVERY_2X2))
    np.testing.assert_allclose(probs.sum(), 1.0, rtol=1e-5)
    n = 6000
    samples = kp.sampling.sample(model, n, seed=0, batch_size=n)
    codes = samples.reshape(n, 4) @ (2 ** np.arange(3, -1, -1))
    freq = np.bincount(codes, minlength=16) / n
    assert np.all(np.abs(freq - probs) <= 5 * np.sqrt(probs * (1 - probs) / n) + 1e-3), (
        freq, probs)


def test_multiscale_class_conditional_likelihood_is_normalised():
    model = _peaked(kp.models.multiscale((2, 2, 1), (1, 1, 1), "row_lstm", num_layers=1,
                                         hidden_dim=4, num_levels=2, num_classes=2))
    for label in (0, 1):
        total = np.exp(kp.log_prob(model, EVERY_2X2, class_label=label)).sum()
        np.testing.assert_allclose(total, 1.0, rtol=1e-5)


@pytest.mark.parametrize("family", FAMILIES)
def test_conditional_cached_sampling_equals_naive(family):
    model = kp.models.BUILDERS[family]((4, 6, 3), num_layers=2, hidden_dim=6, num_levels=5,
                                       num_classes=4, condition_shape=(2, 3, 3))
    low = np.random.default_rng(0).integers(0, 5, (3, 2, 3, 3))
    kwargs = dict(seed=7, class_label=[0, 3, 1], condition=low)
    cached = kp.sampling.sample(model, 3, **kwargs)
    np.testing.assert_array_equal(cached, kp.sampling.sample(model, 3, method="naive",
                                                             **kwargs))
    known = np.zeros((3, 4, 6), bool)
    known[:, :2] = True
    completed = kp.sampling.complete(model, cached, known, seed=8, class_label=2,
                                     condition=low)
    np.testing.assert_array_equal(completed[:, :2], cached[:, :2])
    np.testing.assert_array_equal(completed, kp.sampling.complete(
        model, cached, known, seed=8, class_label=2, condition=low, method="naive"))


def test_multiscale_samples_hold_their_small_image_and_completion_keeps_given_pixels():
    model = kp.models.multiscale((8, 8, 1), (4, 4, 1), "diagonal_bilstm", num_layers=1,
                                 hidden_dim=4, num_levels=17, num_classes=10)
    samples = kp.sampling.sample(model, 3, seed=1, class_label=[1, 2, 3])
    assert samples.shape == (3, 8, 8, 1) and samples.min() >= 0 and samples.max() < 17
    # The small image is the first stage's sample: the same seed gives it again.
    again = kp.sampling.sample(model, 3, seed=1, class_label=[1, 2, 3])
    np.testing.assert_array_equal(samples, again)
    known = np.zeros((3, 8, 8), bool)
    known[:, :4] = True
    completed = kp.sampling.complete(model, samples, known, seed=2, class_label=[1, 2, 3])
    np.testing.assert_array_equal(completed[:, :4], samples[:, :4])
    assert np.any(completed[:, 4:] != samples[:, 4:])
    np.testing.assert_array_equal(completed, kp.sampling.complete(
        model, samples, known, seed=2, class_label=[1, 2, 3], method="naive"))


def test_conditional_and_multiscale_models_train_save_and_reload(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 17, (32, 8, 8, 1))
    labels = rng.integers(0, 10, (32,))
    for model, x in [
        (kp.models.row_lstm((8, 8, 1), num_layers=1, hidden_dim=4, num_levels=17,
                            num_classes=10), {"images": images, "class_label": labels}),
        (kp.models.multiscale((8, 8, 1), (4, 4, 1), "pixel_cnn", num_layers=1, hidden_dim=4,
                              num_levels=17), images),
    ]:
        model.compile(optimizer=keras.optimizers.RMSprop(1e-2))
        history = model.fit(x, batch_size=8, epochs=3, verbose=0).history
        assert history["bits_per_dim"][-1] < history["bits_per_dim"][0]
        assert set(history) >= {"loss", "bits_per_dim", "nats_per_image"}
        kwargs = {"class_label": labels[:4]} if isinstance(x, dict) else {}
        before = kp.log_prob(model, images[:4], **kwargs)
        path = str(tmp_path / f"{model.name}.keras")
        model.save(path)
        reloaded = keras.saving.load_model(path)
        np.testing.assert_allclose(kp.log_prob(reloaded, images[:4], **kwargs), before,
                                   rtol=1e-5)
        # bits/dim of fit's metric is the mean of log_prob's, per sub-pixel.
        evaluated = reloaded.evaluate(x, batch_size=32, verbose=0, return_dict=True)
        every = kp.log_prob(reloaded, images, **({"class_label": labels}
                                                 if isinstance(x, dict) else {}))
        np.testing.assert_allclose(evaluated["nats_per_image"], -every.mean(), rtol=1e-4)


@pytest.mark.parametrize("call,message", [
    (lambda m: kp.sampling.sample(m, 2, seed=0), "class-conditional.*class_label=K"),
    (lambda m: kp.sampling.sample(m, 2, seed=0, class_label=10), r"ints in \[0, 10\)"),
    (lambda m: kp.sampling.sample(m, 2, seed=0, class_label=[1, 2, 3]), "one int or 2 ints"),
    (lambda m: kp.sampling.sample(m, 2, seed=0, class_label=1),
     "low-resolution image.*condition=array of shape \\(batch, 4, 4, 1\\)"),
    (lambda m: kp.sampling.sample(m, 2, seed=0, class_label=1,
                                  condition=np.zeros((2, 3, 3, 1), int)),
     r"condition must be low-resolution images of shape \(2, 4, 4, 1\)"),
    (lambda m: kp.sampling.sample(m, 2, seed=0, class_label=1,
                                  condition=np.full((4, 4, 1), 17)),
     r"condition must hold pixel values in \[0, 17\)"),
    (lambda m: kp.log_prob(m, np.zeros((2, 8, 8, 1), int)), "class_label"),
    (lambda m: m.fit(np.zeros((2, 8, 8, 1), int), verbose=0), "class_label"),
])
def test_bad_conditions_give_clear_errors(call, message):
    model = kp.models.pixel_cnn((8, 8, 1), num_layers=1, hidden_dim=4, num_levels=17,
                                num_classes=10, condition_shape=(4, 4, 1))
    with pytest.raises(ValueError, match=message):
        call(model)


def test_conditions_given_to_an_unconditional_model_are_an_error():
    model = kp.models.pixel_cnn((4, 4, 1), num_layers=1, hidden_dim=4, num_levels=2)
    with pytest.raises(ValueError, match="unconditional.*num_classes=K"):
        kp.sampling.sample(model, 1, class_label=3)


@pytest.mark.parametrize("kwargs,message", [
    (dict(image_shape=(8, 8, 1), low_res_shape=(3, 3, 1)), "must divide the image size"),
    (dict(image_shape=(8, 8, 1), low_res_shape=(4, 4, 3)), "channel"),
    (dict(image_shape=(8, 8, 1), low_res_shape=(4, 4, 1), family="gated"), "family"),
])
def test_bad_multiscale_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kp.models.multiscale(**kwargs)
