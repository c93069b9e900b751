"""The paper's model settings (and small offline ones) by name, in one table."""

import copy

from keras_pixelrnn.models.diagonal_bilstm import diagonal_bilstm
from keras_pixelrnn.models.multiscale import multiscale
from keras_pixelrnn.models.pixel_cnn import pixel_cnn
from keras_pixelrnn.models.row_lstm import row_lstm

BUILDERS = {"pixel_cnn": pixel_cnn, "row_lstm": row_lstm, "diagonal_bilstm": diagonal_bilstm}

# Each preset: the builder ("family"), its arguments ("model"), the paper's training setup
# ("train": dataset name and batch size) and a note on where the numbers come from.
PRESETS = {
    "binarized_mnist_diagonal_bilstm": {
        "family": "diagonal_bilstm",
        "model": dict(image_shape=(28, 28, 1), num_levels=2, num_layers=7, hidden_dim=16,
                      output_dim=32),
        "train": dict(dataset="binarized_mnist", batch_size=16),
        "source": "paper Table 4: 79.20 nats (test)",
    },
    "binarized_mnist_row_lstm": {
        "family": "row_lstm",
        "model": dict(image_shape=(28, 28, 1), num_levels=2, num_layers=7, hidden_dim=16,
                      output_dim=32),
        "train": dict(dataset="binarized_mnist", batch_size=16),
        "source": "MNIST size of the Diagonal BiLSTM applied to the Row LSTM (not stated)",
    },
    "binarized_mnist_pixel_cnn": {
        "family": "pixel_cnn",
        "model": dict(image_shape=(28, 28, 1), num_levels=2, num_layers=7, hidden_dim=16,
                      output_dim=32),
        "train": dict(dataset="binarized_mnist", batch_size=16),
        "source": "MNIST size of the Diagonal BiLSTM applied to the PixelCNN (not stated)",
    },
    "cifar10_row_lstm": {
        "family": "row_lstm",
        "model": dict(image_shape=(32, 32, 3), num_levels=256, num_layers=12, hidden_dim=128,
                      output_dim=1024),
        "train": dict(dataset="cifar10", batch_size=16),
        "source": "paper Table 5: 3.07 bits/dim (test)",
    },
    "cifar10_diagonal_bilstm": {
        "family": "diagonal_bilstm",
        "model": dict(image_shape=(32, 32, 3), num_levels=256, num_layers=12, hidden_dim=128,
                      output_dim=1024),
        "train": dict(dataset="cifar10", batch_size=16),
        "source": "paper Table 5: 3.00 bits/dim (test)",
    },
    "cifar10_pixel_cnn": {
        "family": "pixel_cnn",
        "model": dict(image_shape=(32, 32, 3), num_levels=256, num_layers=15, hidden_dim=128,
                      output_dim=1024),
        "train": dict(dataset="cifar10", batch_size=16),
        "source": "paper Table 5: 3.14 bits/dim (test)",
    },
    "imagenet32_row_lstm": {
        "family": "row_lstm",
        "model": dict(image_shape=(32, 32, 3), num_levels=256, num_layers=12, hidden_dim=384,
                      output_dim=1024),
        "train": dict(dataset="downsampled_imagenet/32x32", batch_size=64),
        "source": "paper Table 6: 3.86 bits/dim (validation)",
    },
    "imagenet64_row_lstm": {
        "family": "row_lstm",
        "model": dict(image_shape=(64, 64, 3), num_levels=256, num_layers=4, hidden_dim=512,
                      output_dim=1024, residual=False),
        "train": dict(dataset="downsampled_imagenet/64x64", batch_size=32),
        "source": "paper Table 6: 3.63 bits/dim (validation), no residual connections",
    },
    "imagenet64_multiscale_row_lstm": {
        "family": "row_lstm",
        "model": dict(image_shape=(64, 64, 3), num_levels=256, num_layers=4, hidden_dim=512,
                      output_dim=1024, residual=False, low_res_size=(32, 32),
                      low_res_kwargs=dict(num_layers=12, hidden_dim=384, residual=True)),
        "train": dict(dataset="downsampled_imagenet/64x64", batch_size=32),
        "source": "paper §3.6 and Table 6: multi-scale PixelRNN, 3.63 bits/dim (validation); "
                  "the full-size model is the 64x64 Row LSTM (4 layers, h=512, no residual "
                  "connections); the 32x32 small image and its model (the ImageNet 32x32 Row "
                  "LSTM, 12 layers, h=384) are this project's reading (unconfirmed)",
    },
}
# Small models for the embedded 8x8 `digits` data (17 grey levels): train in a minute on a CPU.
for _family in BUILDERS:
    PRESETS[f"digits_{_family}"] = {
        "family": _family,
        "model": dict(image_shape=(8, 8, 1), num_levels=17, num_layers=4, hidden_dim=16,
                      output_dim=64),
        "train": dict(dataset="digits", batch_size=16),
        "source": "small offline setting of this project",
    }


def list_presets():
    """Names of all presets, sorted."""
    return sorted(PRESETS)


def get_preset(name):
    """A copy of the preset ``name``: ``{"family", "model", "train", "source"}``."""
    if name not in PRESETS:
        raise ValueError(f"Unknown preset {name!r}. Valid presets: {', '.join(list_presets())}.")
    return copy.deepcopy(PRESETS[name])


def from_preset(name, **overrides):
    """Builds the model of preset ``name``; keyword arguments override its settings.

    Example:
    >>> model = from_preset("binarized_mnist_diagonal_bilstm")
    >>> small = from_preset("cifar10_row_lstm", num_layers=2, hidden_dim=32)
    >>> multi = from_preset("imagenet64_multiscale_row_lstm")   # a MultiScaleModel
    """
    preset = get_preset(name)
    kwargs = {**preset["model"], **overrides}
    kwargs.setdefault("name", name)
    if "low_res_size" in kwargs:   # a multi-scale preset: the small image's height and width
        low_res_shape = tuple(kwargs.pop("low_res_size")) + tuple(kwargs["image_shape"][2:])
        return multiscale(family=preset["family"], low_res_shape=low_res_shape, **kwargs)
    return BUILDERS[preset["family"]](**kwargs)
