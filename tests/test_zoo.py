"""The model zoo: export a trained workdir, list, load (Keras and SavedModel), model cards,
clear errors for bad names."""

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_pixelrnn as kp
from keras_pixelrnn import zoo

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                reason="the zoo's SavedModels are TensorFlow only")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "digits_pixel_cnn"


@pytest.fixture(scope="module")
def zoo_root(tmp_path_factory):
    """A tiny digits PixelCNN trained two steps, exported to a fresh zoo (once: exporting
    takes 10-30 s). The workdir has no evaluation.json: the export runs the evaluation."""
    base = tmp_path_factory.mktemp("zoo")
    workdir = str(base / "run")
    kp.train(workdir, preset="digits_pixel_cnn", num_layers=1, hidden_dim=4, output_dim=8,
             epochs=1, steps_per_epoch=2, verbose=0)
    assert not os.path.exists(os.path.join(workdir, "evaluation.json"))
    root = str(base / "saved_models")
    path = zoo.export_to_zoo(workdir, root=root)
    assert path == os.path.join(root, NAME, "1")
    return root, workdir


@pytest.fixture(scope="module")
def test_images():
    return np.asarray(next(iter(kp.data.load("digits", split="test", batch_size=12))),
                      "int32")


def _original(workdir):
    model, _ = kp.training.load_model(workdir)
    return model


def test_layout_list_and_info(zoo_root):
    root, workdir = zoo_root
    version = os.path.join(root, NAME, "1")
    for file in ("saved_model.pb", "model.keras", "assets/keras_pixelrnn.json"):
        assert os.path.isfile(os.path.join(version, file)), file
    assert zoo.list_models(root) == [NAME]
    entry = zoo.info(NAME, root)
    assert entry.versions == (1,) and entry.latest == 1
    assert entry.card == os.path.join(root, NAME, "MODEL_CARD.md")
    assert entry.metadata == kp.export.read_metadata(version)
    assert entry.metadata["family"] == "pixel_cnn"
    assert entry.metadata["image_shape"] == [8, 8, 1] and entry.metadata["num_levels"] == 17
    assert entry.metadata["num_parameters"] == _original(workdir).count_params()


def test_load_gives_the_trained_model(zoo_root, test_images):
    root, workdir = zoo_root
    model = zoo.load(NAME, root=root)
    assert isinstance(model, kp.models.PixelModel)
    assert getattr(model, "optimizer", None) is None          # weights only, no training state
    np.testing.assert_array_equal(kp.log_prob(model, test_images),
                                  kp.log_prob(_original(workdir), test_images))
    known = np.zeros(test_images.shape[:3], bool)
    known[:, :4] = True
    completed = kp.sampling.complete(model, test_images[:2], known[:2], seed=1)
    np.testing.assert_array_equal(completed[:, :4], test_images[:2, :4])


def test_load_saved_model_log_prob_signature(zoo_root, test_images):
    import tensorflow as tf

    root, workdir = zoo_root
    served = zoo.load_saved_model(NAME, root=root)
    out = served.signatures["log_prob"](images=tf.constant(test_images, tf.int32))
    np.testing.assert_allclose(out["log_prob"].numpy(),
                               kp.log_prob(_original(workdir), test_images), rtol=1e-5)
    assert set(served.signatures) >= {"serving_default", "log_prob", "sample", "complete"}


def test_environment_variable_root(zoo_root, monkeypatch, tmp_path):
    root, _ = zoo_root
    monkeypatch.setenv(zoo.ENV_VAR, root)
    assert zoo.roots() == [root, zoo.CHECKOUT_ROOT]
    assert NAME in zoo.list_models()
    assert zoo.info(NAME).path == os.path.join(root, NAME)
    assert zoo.load(NAME).count_params() == zoo.info(NAME).metadata["num_parameters"]
    assert zoo.roots(str(tmp_path)) == [str(tmp_path)]      # an explicit root is alone
    assert zoo.list_models(str(tmp_path)) == []


def test_model_card_holds_the_workdir_numbers(zoo_root):
    root, workdir = zoo_root
    card = zoo.info(NAME, root).card_text()
    with open(os.path.join(workdir, "evaluation.json")) as f:
        evaluation = json.load(f)["digits/test"]           # written by the export
    assert evaluation["num_images"] == 297
    assert f"{evaluation['nats_per_image']:.2f}" in card
    assert f"{evaluation['bits_per_dim']:.4f}" in card
    assert "`digits` test, 297 images" in card
    assert f"{_original(workdir).count_params():,} parameters" in card
    assert "1 layers, h=4, output 8" in card and "preset `digits_pixel_cnn`" in card
    assert "1 of 1 epochs × 2 steps, batch 16" in card
    assert "learning rate 0.005, cosine" in card
    assert "No published number" in card
    import tensorflow as tf

    assert f"TensorFlow {tf.__version__}" in card and "cores" in card
    assert f'kp.zoo.load("{NAME}")' in card
    assert f"python -m keras_pixelrnn.zoo export --workdir={workdir} --name={NAME}" in card


def test_card_command_reproduces_the_config(zoo_root, tmp_path):
    """The card's train command, rerun on a copy of the workdir, is accepted as the same
    run (a different configuration would fail with ConfigMismatchError)."""
    root, workdir = zoo_root
    card = zoo.info(NAME, root).card_text()
    command = re.search(r"```bash\n(python -m keras_pixelrnn train .*?)\npython -m", card,
                        re.S).group(1)
    args = command.replace("\\\n", " ").split()[4:]
    assert args[0] == f"--workdir={workdir}"
    copy = str(tmp_path / "copy")
    shutil.copytree(workdir, copy)
    result = subprocess.run([sys.executable, "-m", "keras_pixelrnn", "train",
                             f"--workdir={copy}"] + args[1:], capture_output=True, text=True,
                            timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Already trained for 1 epochs" in result.stdout


def test_card_beside_published_numbers(zoo_root):
    """A binarized MNIST 5k model's card shows the paper's and the peers' numbers."""
    _, workdir = zoo_root
    config = kp.training.TrainConfig(preset="binarized_mnist_diagonal_bilstm",
                                     dataset="mnist_5k", binarize="dynamic", epochs=20,
                                     learning_rate=2e-3).resolved()
    evaluation = dict(dataset="mnist_5k", split="validation", num_images=500,
                      nats_per_image=83.456, bits_per_dim=83.456 / (784 * np.log(2)),
                      binarize="fixed")
    model = kp.models.pixel_cnn(image_shape=(28, 28, 1), num_levels=2, num_layers=1,
                                hidden_dim=2)
    card = zoo.model_card(workdir, zoo.default_name(config), 1, model, config, evaluation)
    assert zoo.default_name(config) == "binarized_mnist_5k_diagonal_bilstm"
    assert "**83.46**" in card and "500 images (binarized once, fixed seed)" in card
    for number in ("79.20", "85.88", "95.20"):
        assert number in card
    assert f"{79.20 / (784 * np.log(2)):.4f}" in card
    assert "other data" in card and "the same 500 validation digits" in card
    assert ("--preset=binarized_mnist_diagonal_bilstm \\\n    --dataset=mnist_5k \\\n    "
            "--binarize=dynamic \\\n    --epochs=20 \\\n    --learning_rate=0.002") in card
    assert "mnist_train_5k.npz" in card


def test_train_flags_cover_python_only_fields():
    config = kp.training.TrainConfig(preset="digits_row_lstm", epochs=3, rho=0.8,
                                     clipnorm=None, seed=5).resolved()
    flags, python_only = zoo.train_flags(config)
    assert flags == ["--preset=digits_row_lstm", "--dataset=digits", "--epochs=3",
                     "--clipnorm=0", "--seed=5"]
    assert python_only == {"rho": 0.8}


def test_names_and_flags_of_conditional_and_multiscale_runs():
    """The zoo names say what kind of model it is, and the card's command rebuilds it."""
    cond = kp.training.TrainConfig(preset="digits_row_lstm", epochs=3, num_classes=10).resolved()
    multi = kp.training.TrainConfig(preset="digits_row_lstm", epochs=3,
                                    model_kwargs={"low_res_size": [4, 4]}).resolved()
    assert zoo.default_name(cond) == "digits_class_conditional_row_lstm"
    assert zoo.default_name(multi) == "digits_multiscale_row_lstm"
    assert zoo.train_flags(cond) == (["--preset=digits_row_lstm", "--dataset=digits",
                                      "--epochs=3", "--num_classes=10"], {})
    assert zoo.train_flags(multi) == (["--preset=digits_row_lstm", "--dataset=digits",
                                       "--epochs=3", "--multiscale=4x4"], {})


def test_unknown_names_and_versions(zoo_root, tmp_path):
    root, _ = zoo_root
    with pytest.raises(ValueError, match=rf"No model 'nope'.*Available models: '{NAME}'.*"
                                         r"export_to_zoo.*python -m keras_pixelrnn.zoo export"):
        zoo.load("nope", root=root)
    with pytest.raises(ValueError, match="Available models: none"):
        zoo.info(NAME, root=str(tmp_path))
    with pytest.raises(ValueError, match=r"has no version 7; its versions are 1"):
        zoo.load(NAME, version=7, root=root)
    with pytest.raises(ValueError, match="A zoo name must be"):
        zoo.add_model(None, "../escape", root=str(tmp_path))
    with pytest.raises(ValueError, match="version must be a positive integer"):
        zoo.add_model(None, "fine", version=0, root=str(tmp_path))


def test_incomplete_folders_are_not_models(tmp_path):
    (tmp_path / "empty_version" / "1").mkdir(parents=True)          # no model.keras
    (tmp_path / "named_version" / "latest").mkdir(parents=True)
    (tmp_path / "named_version" / "latest" / "model.keras").write_text("")
    (tmp_path / ".export-tmp-x" / "1").mkdir(parents=True)
    (tmp_path / ".export-tmp-x" / "1" / "model.keras").write_text("")
    (tmp_path / "MODEL_CARD.md").write_text("")
    assert zoo.list_models(str(tmp_path)) == []


def test_versions_and_overwrite(zoo_root, test_images, tmp_path):
    root, workdir = zoo_root
    copy = str(tmp_path / "zoo")
    shutil.copytree(root, copy)
    shutil.copytree(os.path.join(copy, NAME, "1"), os.path.join(copy, NAME, "3"))
    assert zoo.info(NAME, copy).versions == (1, 3)
    assert zoo.model_path(NAME, root=copy) == os.path.join(copy, NAME, "3")
    assert zoo.model_path(NAME, 1, root=copy) == os.path.join(copy, NAME, "1")
    with pytest.raises(FileExistsError, match="overwrite=True"):   # before any work
        zoo.export_to_zoo(workdir, root=copy, version=3)
    with open(os.path.join(copy, NAME, "3", "model.keras"), "w") as f:
        f.write("not a zip")
    with pytest.raises(ValueError, match="Could not load .*3/model.keras"):
        zoo.load(NAME, root=copy)
    zoo.load(NAME, version=1, root=copy)


def test_add_model_drops_the_optimizer(tmp_path, test_images):
    model = kp.models.pixel_cnn(image_shape=(8, 8, 1), num_levels=17, num_layers=1,
                                hidden_dim=2, output_dim=4)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    model.fit(test_images, epochs=1, batch_size=6, verbose=0)     # optimizer state exists
    path = zoo.add_model(model, "mine", root=str(tmp_path), card="# mine\n")
    assert path == str(tmp_path / "mine" / "1")
    loaded = zoo.load("mine", root=str(tmp_path))
    assert getattr(loaded, "optimizer", None) is None
    np.testing.assert_array_equal(kp.log_prob(loaded, test_images),
                                  kp.log_prob(model, test_images))
    assert zoo.info("mine", str(tmp_path)).card_text() == "# mine\n"


def test_evaluation_reused_only_when_fresh(zoo_root, tmp_path):
    _, workdir = zoo_root
    copy = str(tmp_path / "run")
    shutil.copytree(workdir, copy)
    config = kp.training.load_model(copy)[1]
    file = os.path.join(copy, "evaluation.json")
    with open(file) as f:
        real = json.load(f)["digits/test"]
    fake = dict(real, nats_per_image=1.0)
    with open(file, "w") as f:
        json.dump({"digits/test": fake}, f)
    assert zoo.exporting._evaluation(copy, config, "last", None) == fake
    checkpoint = os.path.join(copy, "checkpoints", "last.keras")
    os.utime(checkpoint, (os.path.getmtime(file) + 10,) * 2)   # trained after evaluating
    again = zoo.exporting._evaluation(copy, config, "last", None)
    assert again["nats_per_image"] == pytest.approx(real["nats_per_image"])


def test_command_line(zoo_root, capsys, tmp_path):
    root, workdir = zoo_root
    assert zoo.main(["--root", root, "list"]) == 0
    assert capsys.readouterr().out.split() == [NAME]
    assert zoo.main(["--root", root, "info", NAME]) == 0
    assert "## Held-out negative log-likelihood" in capsys.readouterr().out
    assert zoo.main(["--root", root, "info", "nope"]) == 1
    assert "Available models" in capsys.readouterr().err
    assert zoo.main(["--root", root, "export", f"--workdir={tmp_path}/none"]) == 1
    assert "No training run" in capsys.readouterr().err


def test_lazy_attribute():
    assert kp.zoo is zoo
    assert dataclasses.is_dataclass(zoo.ModelInfo)
