"""Every layer and model is causal over sub-pixels and has the paper's receptive field.

Each test perturbs every input sub-pixel (or colour group of features) in turn, in float64,
and compares the set of outputs that move with a reference receptive field written from the
paper (``receptive_field.py``): nothing outside it may move (no output depends on the same or
a later sub-pixel), everything inside it must.
"""

import numpy as np
import pytest

import keras_pixelrnn as kp
import receptive_field as rf
from causality import (ZERO, assert_causal, check_against_reference, layer_dependencies,
                       model_dependencies)

SHAPES = [(5, 5), (4, 7), (7, 3)]


@pytest.mark.parametrize("groups", [1, 3])
@pytest.mark.parametrize("mask_type", ["A", "B"])
@pytest.mark.parametrize("kernel_size", [(1, 1), (1, 3), (1, 5), (3, 3), (5, 5), (7, 7)])
def test_masked_conv2d(float64, kernel_size, mask_type, groups):
    height, width = 6, 5
    if mask_type == "A" and groups == 1 and kernel_size == (1, 1):
        pytest.skip("a 1x1 mask-A kernel on one colour sees nothing at all")
    layer = kp.layers.MaskedConv2D(4 * groups, kernel_size, mask_type=mask_type,
                                   color_channels=groups)
    deps = layer_dependencies(layer, height, width, groups)
    check_against_reference(deps, rf.masked_conv(height, width, groups, kernel_size, mask_type))
    assert_causal(deps, strict=mask_type == "A")


@pytest.mark.parametrize("groups", [1, 3])
@pytest.mark.parametrize("shape", SHAPES)
def test_row_lstm(float64, shape, groups):
    layer = kp.layers.RowLSTM(3 * groups, color_channels=groups)
    deps = layer_dependencies(layer, *shape, groups)
    check_against_reference(deps, rf.row_lstm(*shape, groups))
    assert_causal(deps, strict=False)


@pytest.mark.parametrize("groups", [1, 3])
@pytest.mark.parametrize("shape", SHAPES)
def test_diagonal_lstm(float64, shape, groups):
    layer = kp.layers.DiagonalLSTM(3 * groups, color_channels=groups)
    deps = layer_dependencies(layer, *shape, groups)
    check_against_reference(deps, rf.diagonal_lstm(*shape, groups))


@pytest.mark.parametrize("groups", [1, 3])
@pytest.mark.parametrize("shape", SHAPES)
def test_diagonal_bilstm(float64, shape, groups):
    layer = kp.layers.DiagonalBiLSTM(3 * groups, color_channels=groups)
    deps = layer_dependencies(layer, *shape, groups)
    check_against_reference(deps, rf.diagonal_bilstm(*shape, groups))
    assert_causal(deps, strict=False)


def test_diagonal_bilstm_without_shift_would_leak(float64):
    """The reference is not vacuous: without the one-row shift the right-to-left direction
    sees later pixels on the same row, and the real layer's shift is what removes them."""
    height, width, groups = 4, 5, 1
    unshifted = rf.diagonal_lstm(height, width, groups, 1) | rf.diagonal_lstm(
        height, width, groups, -1)
    later = ~rf.strictly_earlier(height, width, groups) & ~rf.identity(height, width, groups)
    assert np.any(unshifted & later)
    layer = kp.layers.DiagonalBiLSTM(3, color_channels=groups)
    assert not np.any((layer_dependencies(layer, height, width, groups) > ZERO) & later)


@pytest.mark.parametrize("groups", [1, 3])
@pytest.mark.parametrize("kind", ["pixel_cnn", "row_lstm", "diagonal_bilstm"])
def test_residual_block(float64, kind, groups):
    height, width = 5, 6
    # Enough units that no path through the ReLUs is dead for the random test input.
    block = kp.layers.ResidualBlock(8 * groups, kind, color_channels=groups)
    deps = layer_dependencies(block, height, width, groups, features_per_group=16)
    check_against_reference(deps, rf.residual_block(height, width, groups, kind))
    assert_causal(deps, strict=False)


MODEL_CASES = [
    # (family, image_shape, num_layers)
    ("pixel_cnn", (6, 6, 1), 1), ("pixel_cnn", (5, 4, 3), 2), ("pixel_cnn", (3, 7, 1), 3),
    ("pixel_cnn", (9, 9, 1), 4),
    ("row_lstm", (6, 6, 1), 1), ("row_lstm", (5, 4, 3), 2), ("row_lstm", (3, 7, 1), 3),
    ("row_lstm", (9, 9, 1), 2),
    ("diagonal_bilstm", (6, 6, 1), 1), ("diagonal_bilstm", (5, 4, 3), 2),
    ("diagonal_bilstm", (3, 7, 1), 3), ("diagonal_bilstm", (7, 5, 3), 1),
]


def build(family, image_shape, num_layers, **kwargs):
    kwargs.setdefault("hidden_dim", 6 * image_shape[-1])
    kwargs.setdefault("num_levels", 5)
    return kp.models.BUILDERS[family](image_shape, num_layers=num_layers, **kwargs)


@pytest.mark.parametrize("family,image_shape,num_layers", MODEL_CASES)
def test_model(float64, family, image_shape, num_layers):
    model = build(family, image_shape, num_layers)
    deps = model_dependencies(model)
    assert_causal(deps, strict=True)
    check_against_reference(deps, rf.model(*image_shape, family, num_layers))


@pytest.mark.parametrize("family", ["row_lstm", "diagonal_bilstm"])
def test_model_without_residuals_or_skips(float64, family):
    image_shape = (5, 6, 3)
    model = build(family, image_shape, 2, residual=False, skip_connections=False)
    deps = model_dependencies(model)
    assert_causal(deps, strict=True)
    check_against_reference(deps, rf.model(*image_shape, family, 2, residual=False))


def test_colour_order_within_a_pixel(float64):
    """R sees no colour of its own pixel, G sees R, B sees R and G."""
    model = build("diagonal_bilstm", (3, 3, 3), 1)
    deps = model_dependencies(model)
    pixel = 4 * 3                                            # the centre pixel, R index
    r, g, b = pixel, pixel + 1, pixel + 2
    assert deps[r, r:r + 3].max() <= ZERO
    assert deps[g, r] > ZERO and deps[g, g:g + 2].max() <= ZERO
    assert deps[b, r] > ZERO and deps[b, g] > ZERO and deps[b, b] <= ZERO


@pytest.mark.parametrize("num_layers", [1, 2])
def test_diagonal_bilstm_sees_all_context_from_one_layer(float64, num_layers):
    """Every earlier sub-pixel is seen from the first layer on -- with one exception that
    follows from the paper's own definitions: the last sub-pixel of the previous row.

    The right-to-left state at (i - 1, j) reads layer inputs along row i - 1, and a causal
    feature at (i - 1, W - 1) never contains that pixel's last sub-pixel; so the last
    sub-pixel of row i - 1 reaches (i, j) only through the first 7x7 window, i.e. when
    j + 3 >= W - 1. The reference built from the paper's layers agrees.
    """
    height, width, groups = 6, 7, 3
    model = build("diagonal_bilstm", (height, width, groups), num_layers)
    deps = model_dependencies(model)
    expected = rf.strictly_earlier(height, width, groups)
    for i in range(1, height):
        for j in range(width - 4):
            last_of_previous_row = (i * width - 1) * groups + groups - 1
            expected[(i * width + j) * groups:(i * width + j + 1) * groups,
                     last_of_previous_row] = False
    assert np.all(expected == rf.model(height, width, groups, "diagonal_bilstm", num_layers))
    assert np.all(deps[expected] > 1e-9), "some earlier sub-pixel is not seen"
    assert np.all(deps[~expected] <= ZERO)


def test_pixel_cnn_blind_spot(float64):
    """The PixelCNN's documented blind spot: pixels above-right of the current one outside the
    cone the stacked masks grow are never seen; the Diagonal BiLSTM sees them."""
    height, width = 5, 15
    i, j = 4, 2
    upper_right = (i - 1) * width + 12                       # previous row, far right
    deps = model_dependencies(build("pixel_cnn", (height, width, 1), 2))
    assert deps[i * width + j, upper_right] <= ZERO
    deps = model_dependencies(build("diagonal_bilstm", (height, width, 1), 1))
    assert deps[i * width + j, upper_right] > ZERO


def test_row_lstm_triangle(float64):
    """The Row LSTM sees a triangle above the pixel: context far to the upper left / right
    on nearby rows is missing, while the Diagonal BiLSTM sees it."""
    height, width = 7, 15
    i, j = 6, 7
    deps = model_dependencies(build("row_lstm", (height, width, 1), 1))
    out = i * width + j
    upper = deps[out, :i * width].reshape(i, width) > ZERO
    assert upper[i - 1, j] and upper[0, j]                   # straight up is seen
    assert not upper[i - 1, 0] and not upper[i - 1, width - 1]   # far sides of the row above
    # The seen part of each earlier row widens going up (a triangle).
    widths = upper.sum(axis=1)
    assert np.all(np.diff(widths[::-1]) >= 0) and widths[0] > widths[i - 1]


# --------------------------------------------------------------------- conditional models

CONDITIONAL_CASES = [
    ("pixel_cnn", (6, 6, 1), dict(num_classes=4)),
    ("row_lstm", (6, 6, 1), dict(condition_shape=(3, 3, 1))),
    ("diagonal_bilstm", (4, 6, 3), dict(num_classes=3, condition_shape=(2, 3, 3))),
    ("pixel_cnn", (4, 6, 3), dict(num_classes=3, condition_shape=(2, 2, 3))),
    ("row_lstm", (4, 4, 3), dict(num_classes=5)),
    ("diagonal_bilstm", (6, 6, 1), dict(condition_shape=(3, 3, 1))),
]


def _conditions(kwargs, rng, levels=5):
    out = {}
    if "num_classes" in kwargs:
        out["class_label"] = rng.integers(0, kwargs["num_classes"], size=(1,))
    if "condition_shape" in kwargs:
        out["condition"] = rng.integers(0, levels, size=(1,) + kwargs["condition_shape"])
    return out


@pytest.mark.parametrize("family,image_shape,kwargs", CONDITIONAL_CASES)
def test_conditional_model_is_causal_in_the_image(float64, family, image_shape, kwargs):
    """The condition is added to every layer's input-to-state map; the image part of the
    receptive field is exactly the unconditional one."""
    model = build(family, image_shape, 2, **kwargs)
    conditions = _conditions(kwargs, np.random.default_rng(1))
    deps = model_dependencies(model, conditions=conditions)
    assert_causal(deps, strict=True)
    check_against_reference(deps, rf.model(*image_shape, family, 2))


@pytest.mark.parametrize("family,image_shape,kwargs", CONDITIONAL_CASES)
def test_every_logit_depends_on_the_condition(float64, family, image_shape, kwargs):
    model = build(family, image_shape, 2, **kwargs)
    rng = np.random.default_rng(2)
    images = rng.integers(0, 5, size=(1,) + image_shape).astype("float64")
    base = _conditions(kwargs, rng)
    logits = np.asarray(model(dict(base, images=images)))
    for name in base:
        changed = dict(base)
        if name == "class_label":
            changed[name] = (base[name] + 1) % kwargs["num_classes"]
        else:   # one low-resolution pixel: it reaches every position of the large image
            changed[name] = base[name].copy()
            changed[name][0, 0, 0] = (changed[name][0, 0, 0] + 2) % 5
        moved = np.abs(np.asarray(model(dict(changed, images=images))) - logits).max(-1)
        if name == "class_label":
            assert moved.min() > 1e-9, (name, moved)
        else:   # the deconvolution network spreads one pixel over its block and neighbours
            assert moved[0, 0, 0].min() > 1e-9 and (moved > 1e-9).mean() > 0.3, (name, moved)
