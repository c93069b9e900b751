"""Layer tests in the keras-hub style: config round trip, build, a training step, dtypes."""

import keras
import numpy as np
import pytest

import keras_pixelrnn as kp

LAYERS = {
    "masked_conv_a": lambda **kw: kp.layers.MaskedConv2D(6, 7, mask_type="A", color_channels=3, **kw),
    "masked_conv_b_row": lambda **kw: kp.layers.MaskedConv2D(6, (1, 3), mask_type="B",
                                                            color_channels=3, **kw),
    "row_lstm": lambda **kw: kp.layers.RowLSTM(6, color_channels=3, **kw),
    "diagonal_lstm": lambda **kw: kp.layers.DiagonalLSTM(6, color_channels=3, **kw),
    "diagonal_bilstm": lambda **kw: kp.layers.DiagonalBiLSTM(6, color_channels=3, **kw),
    "block_pixel_cnn": lambda **kw: kp.layers.ResidualBlock(3, "pixel_cnn", color_channels=3, **kw),
    "block_row_lstm": lambda **kw: kp.layers.ResidualBlock(3, "row_lstm", color_channels=3, **kw),
    "block_diagonal_bilstm": lambda **kw: kp.layers.ResidualBlock(3, "diagonal_bilstm",
                                                                 color_channels=3, **kw),
    "head": lambda **kw: kp.layers.OutputHead(4, color_channels=3, output_dim=6, **kw),
}
INPUT = (2, 5, 4, 6)


def expected_shape(layer):
    if isinstance(layer, kp.layers.OutputHead):
        return INPUT[:3] + (3, 4)
    if isinstance(layer, kp.layers.ResidualBlock):
        return INPUT
    return INPUT[:3] + (6,)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_output_shape_and_config_round_trip(name):
    layer = LAYERS[name]()
    x = np.random.default_rng(0).normal(size=INPUT).astype("float32")
    y = np.asarray(layer(x))
    assert y.shape == expected_shape(layer)
    assert layer.compute_output_shape(INPUT) == y.shape
    clone = layer.__class__.from_config(layer.get_config())
    clone.build(INPUT)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(x)), y, rtol=1e-6, atol=1e-6)
    serialized = keras.saving.serialize_keras_object(layer)
    assert serialized["module"] == "keras_pixelrnn" or serialized["registered_name"].startswith(
        "keras_pixelrnn>")


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_training_step_reduces_loss(name):
    layer = LAYERS[name]()
    inputs = keras.Input(INPUT[1:])
    model = keras.Model(inputs, layer(inputs))
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    rng = np.random.default_rng(1)
    x = rng.normal(size=INPUT).astype("float32")
    y = rng.normal(size=expected_shape(layer)).astype("float32")
    first = model.train_on_batch(x, y)
    for _ in range(5):
        last = model.train_on_batch(x, y)
    assert np.isfinite(last) and last < first
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
@pytest.mark.parametrize("name", ["masked_conv_a", "row_lstm", "diagonal_bilstm",
                                  "block_pixel_cnn", "head"])
def test_mixed_precision(name, policy):
    layer = LAYERS[name](dtype=policy)
    x = np.random.default_rng(0).normal(size=INPUT).astype("float32")
    y = layer(x)
    expected = "float32" if name == "head" else policy.split("_")[1]
    assert keras.backend.standardize_dtype(y.dtype) == expected
    assert all(keras.backend.standardize_dtype(w.dtype) == "float32" for w in layer.weights)


def test_masked_conv_mask_is_applied_in_call_not_to_variables():
    layer = kp.layers.MaskedConv2D(2, 3, mask_type="A", color_channels=1)
    layer.build((1, 3, 3, 1))
    kernel = np.asarray(layer.kernel)
    assert np.count_nonzero(kernel[1, 2]) and np.count_nonzero(kernel[2])   # stored unmasked
    x = np.zeros((1, 3, 3, 1), "float32")
    x[0, 1, 1, 0] = 1.0                                  # the centre pixel itself
    x[0, 2, :, 0] = 1.0                                  # the row below
    assert np.allclose(np.asarray(layer(x))[0, 1, 1], np.asarray(layer.bias))


@pytest.mark.parametrize("kwargs,message", [
    (dict(filters=4, kernel_size=2), "odd"),
    (dict(filters=4, kernel_size=3, mask_type="C"), "mask_type"),
    (dict(filters=6, kernel_size=3, out_chunks=4), "divisible"),
])
def test_masked_conv_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kp.layers.MaskedConv2D(**kwargs)


def test_residual_block_checks_its_input_width():
    with pytest.raises(ValueError, match="takes 8 input features"):
        kp.layers.ResidualBlock(4, "row_lstm")(np.zeros((1, 3, 3, 5), "float32"))
    with pytest.raises(ValueError, match="kind"):
        kp.layers.ResidualBlock(4, "transformer")


def test_skew_round_trip():
    from keras_pixelrnn.layers.skew import skew, unskew

    x = np.arange(2 * 3 * 5 * 2, dtype="float32").reshape(2, 3, 5, 2)
    skewed = np.asarray(skew(x))
    assert skewed.shape == (2, 3, 7, 2)
    for i in range(3):
        np.testing.assert_array_equal(skewed[:, i, i:i + 5], x[:, i])
        assert not skewed[:, i, :i].any() and not skewed[:, i, i + 5:].any()
    np.testing.assert_array_equal(np.asarray(unskew(skewed, 5)), x)
