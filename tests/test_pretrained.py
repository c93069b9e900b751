"""The pretrained models committed in saved_models/: each loads, matches its model card, and
scores on its held-out data the NLL its card and README.md state (about 30 s for all)."""

import os
import re

import keras
import numpy as np
import pytest

import keras_pixelrnn as kp
from keras_pixelrnn import zoo
from keras_pixelrnn.data import DatasetUnavailableError, mnist_5k

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                reason="the zoo's SavedModels are TensorFlow only")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMITTED = os.path.join(ROOT, "saved_models")
NAMES = zoo.list_models(COMMITTED) if os.path.isdir(COMMITTED) else []
# The held-out data of each model, by the dataset its name starts with.
HELD_OUT = {"binarized_mnist_5k": "validation", "mnist_5k": "validation", "digits": "test"}


def _held_out(name):
    dataset = next(d for d in HELD_OUT if name.startswith(d + "_"))
    if dataset != "digits":
        try:
            mnist_5k.find_file()
        except DatasetUnavailableError as err:
            pytest.skip(f"the MNIST file is not beside this checkout: {err}")
    return dataset, HELD_OUT[dataset]


def _card_number(name, label):
    """The bold 'this model' figure of the card's held-out table: nats/image or bits/dim."""
    row = re.search(r"^\| \*\*this model\*\* \|.*$", zoo.info(name, COMMITTED).card_text(), re.M)
    nats, bits = re.findall(r"\*\*([0-9.]+)\*\*", row.group(0))
    return float(nats if label == "nats" else bits)


def test_the_readme_results_are_those_of_the_committed_models():
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    named = set(re.findall(r"`((?:binarized_)?mnist_5k_[a-z0-9_]+)`", readme))
    assert named and named <= set(NAMES)
    # The results tables: | model (`name`) | parameters | training | NLL | ... |
    # (a first cell may hold an escaped pipe, as in "p(x \| class)").
    rows = re.findall(r"^\| (?:[^|\\]|\\\|)*\(`([a-z0-9_]+)`\) \| ([0-9,]+) \| [^|]* \| "
                      r"\**([0-9.]+)\**", readme, re.M)
    assert len(rows) >= 10
    for name, params, nats in rows:
        assert float(nats) == _card_number(name, "nats"), name
        assert f"{params} parameters" in zoo.info(name, COMMITTED).card_text(), name
    # The 8-bit sentence: (`name`, ...): N nats/image = B bits/dim
    sentences = re.findall(r"\(`([a-z0-9_]+)`[^)]*\):\s+([0-9.]+) nats/image = ([0-9.]+) "
                           r"bits/dim", readme)
    assert sentences
    for name, nats, bits in sentences:
        assert float(nats) == round(_card_number(name, "nats"), 1), name
        assert float(bits) == round(_card_number(name, "bits"), 3), name


@pytest.mark.parametrize("name", NAMES)
def test_each_committed_model_loads_and_matches_its_card(name):
    info = zoo.info(name, COMMITTED)
    model = zoo.load(name, root=COMMITTED)
    card = info.card_text()
    assert f"{model.count_params():,} parameters" in card
    assert info.metadata["num_parameters"] == model.count_params()
    assert tuple(info.metadata["image_shape"]) == model.image_shape
    assert os.path.getsize(os.path.join(info.version_path(), "model.keras")) < 4e6
    assert _card_number(name, "nats") > 0


@pytest.mark.parametrize("name", NAMES)
def test_each_committed_model_scores_its_card_on_held_out_data(name):
    """Recomputes the held-out NLL from the committed weights."""
    dataset, split = _held_out(name)
    model = zoo.load(name, root=COMMITTED)
    images = np.concatenate([b.numpy() for b in kp.data.load(dataset, split=split,
                                                             batch_size=100, shuffle=False)])
    conditional = zoo.info(name, COMMITTED).metadata["num_classes"]
    labels = kp.data.labels(dataset, split) if conditional else None
    nats = -kp.log_prob(model, images, batch_size=100, class_label=labels).mean()
    assert nats == pytest.approx(_card_number(name, "nats"), abs=0.006)
