"""Published held-out NLLs printed beside a zoo model's own on its model card (PixelRNN
paper, van den Oord et al. 2016; peers trained on the same offline data)."""

FAMILY_NAMES = {"pixel_cnn": "PixelCNN", "row_lstm": "Row LSTM",
                "diagonal_bilstm": "Diagonal BiLSTM"}

# Published numbers to print beside a model's held-out NLL, keyed by (evaluation data,
# family); "*" matches every family. Each entry: (who, value, unit, on what data).
# Evaluation data is the dataset's name, prefixed "binarized_" when training binarized it.
PAPER = "van den Oord et al. 2016"
_PAPER_MNIST = {"diagonal_bilstm": ("Table 4", 79.20),
                "row_lstm": ("Table 4, unconfirmed", 80.54),   # ../shared/PAPER.md: unconfirmed
                "pixel_cnn": ("Table 4", 81.30)}
_PAPER_CIFAR = {"diagonal_bilstm": 3.00, "row_lstm": 3.07, "pixel_cnn": 3.14}
REFERENCES = {}
for _family, (_table, _value) in _PAPER_MNIST.items():
    REFERENCES[("binarized_mnist", _family)] = [
        (f"{FAMILY_NAMES[_family]}, {PAPER} ({_table})", _value, "nats",
         "binarized MNIST test (10,000 images)")]
    REFERENCES[("binarized_mnist_5k", _family)] = [
        (f"{FAMILY_NAMES[_family]}, {PAPER} ({_table})", _value, "nats",
         "binarized MNIST test: other data (50,000 training images, 10,000 test)")]
REFERENCES[("binarized_mnist_5k", "*")] = [
    ("tfp.distributions.PixelCNN (gated, 625k parameters, 20 epochs)", 85.88, "nats",
     "the same 500 validation digits, trained on the same 4,500"),
    ("keras-io PixelCNN example (533k parameters, 50 epochs)", 95.20, "nats",
     "the same 500 validation digits, trained on the same 4,500"),
]
for _family, _value in _PAPER_CIFAR.items():
    REFERENCES[("cifar10", _family)] = [
        (f"{FAMILY_NAMES[_family]}, {PAPER} (Table 5)", _value, "bits/dim", "CIFAR-10 test")]
REFERENCES[("downsampled_imagenet/32x32", "row_lstm")] = [
    (f"Row LSTM, {PAPER} (Table 6)", 3.86, "bits/dim", "ImageNet 32x32 validation")]
REFERENCES[("downsampled_imagenet/64x64", "row_lstm")] = [
    (f"Row LSTM, {PAPER} (Table 6)", 3.63, "bits/dim", "ImageNet 64x64 validation")]


def references(config):
    """The published numbers for the evaluation data and family of a resolved TrainConfig."""
    data = eval_data(config)
    return REFERENCES.get((data, config.model), []) + REFERENCES.get((data, "*"), [])


def eval_data(config):
    """The key of :data:`REFERENCES` for a resolved TrainConfig's evaluation data: the dataset,
    prefixed ``binarized_`` when the training binarized it."""
    if config.binarize and not config.dataset.startswith("binarized_"):
        return "binarized_" + config.dataset
    return config.dataset
