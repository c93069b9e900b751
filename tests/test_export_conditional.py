"""SavedModel export of conditional models (class label, low-resolution image) and of the
multi-scale PixelRNN: their conditions are signature inputs, served answers equal the Python
API in a process without keras_pixelrnn, multi-scale signatures give both scales, and bad
conditions are InvalidArgument errors that say what was expected."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_pixelrnn as kp
from keras_pixelrnn import export as kp_export
from test_export import SERVE_WITHOUT_KERAS, assert_outputs_equal

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                reason="SavedModel export is TensorFlow only")

BATCH_SIZE = 4
LEVELS = 5


def _models():
    keras.utils.set_random_seed(21)
    return {
        "class": kp.models.pixel_cnn((4, 4, 1), num_layers=1, hidden_dim=4, num_levels=LEVELS,
                                     num_classes=3),
        "image": kp.models.row_lstm((4, 4, 1), num_layers=1, hidden_dim=4, num_levels=LEVELS,
                                    condition_shape=(2, 2, 1)),
        "multiscale": kp.models.multiscale((8, 8, 1), (4, 4, 1), "diagonal_bilstm",
                                           num_layers=1, hidden_dim=4, num_levels=LEVELS,
                                           num_classes=3),
    }


class Case:
    """One exported model, the requests the tests send, and the Python API's answers."""

    def __init__(self, kind, model, path):
        self.kind, self.model, self.path = kind, model, path
        rng = np.random.default_rng(len(kind))
        shape = (5,) + tuple(model.image_shape)
        self.images = rng.integers(0, LEVELS, shape).astype(np.int32)
        self.known = np.zeros(shape, bool)
        self.known[:, : shape[1] // 2] = True
        self.conditions = {}          # per image (5), and the one given for all samples
        self.one = {}
        if kind in ("class", "multiscale"):
            self.conditions["class_label"] = np.array([0, 1, 2, 1, 0], np.int32)
            self.one["class_label"] = np.array([2], np.int32)
        if kind == "image":
            self.conditions["condition"] = rng.integers(0, LEVELS, (5, 2, 2, 1)).astype(
                np.int32)
            self.one["condition"] = self.conditions["condition"][:1]

    def requests(self):
        seed = np.array([3, 4], np.int64)
        return {
            "log_prob": dict(images=self.images, **self.conditions),
            "sample": dict(num_samples=np.int32(6), seed=seed, **self.one),
            "sample_with_temperature": dict(num_samples=np.int32(5), seed=seed,
                                            temperature=np.float32(0.7), **self.conditions),
            "complete": dict(images=self.images, known_mask=self.known,
                             seed=np.array([5, 6], np.int64), **self.conditions),
        }

    def python_api(self):
        m, one = self.model, {k: v[0] if k == "class_label" else v for k, v in self.one.items()}
        want = {
            "log_prob": dict(log_prob=kp.log_prob(m, self.images, **self.conditions),
                             bits_per_dim=kp.bits_per_dim(m, self.images, **self.conditions)),
            "sample": dict(images=kp.sampling.sample(m, 6, seed=(3, 4), batch_size=BATCH_SIZE,
                                                     **one)),
            "sample_with_temperature": dict(images=kp.sampling.sample(
                m, 5, seed=(3, 4), temperature=0.7, batch_size=BATCH_SIZE, **self.conditions)),
            "complete": dict(images=kp.sampling.complete(
                m, self.images, self.known, seed=(5, 6), batch_size=BATCH_SIZE,
                **self.conditions)),
        }
        if self.kind == "multiscale":   # the small images, sampled first, come back too
            for name in ("sample", "sample_with_temperature", "complete"):
                want[name]["low_res_images"] = want[name]["images"][:, ::2, ::2]
        return want


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    base = tmp_path_factory.mktemp("export_conditional")
    return {kind: Case(kind, model, kp_export.export_saved_model(
                model, base / kind, version=1, max_samples=8, max_batch=8,
                batch_size=BATCH_SIZE))
            for kind, model in _models().items()}


def test_signatures_take_the_conditions(cases):
    for kind, case in cases.items():
        loaded = tf.saved_model.load(case.path)
        meta = kp_export.read_metadata(case.path)
        names = set(case.conditions)
        assert meta["condition_inputs"] == sorted(names)
        for name in kp_export.SIGNATURES:
            _, spec = loaded.signatures[name].structured_input_signature
            assert names <= set(spec), (kind, name, spec)
        outputs = set(loaded.signatures["sample"].structured_outputs)
        assert outputs == ({"images", "low_res_images"} if kind == "multiscale"
                           else {"images"})
    assert kp_export.read_metadata(cases["class"].path)["num_classes"] == 3
    assert kp_export.read_metadata(cases["image"].path)["condition_shape"] == [2, 2, 1]
    assert kp_export.read_metadata(cases["multiscale"].path)["low_res_shape"] == [4, 4, 1]


def test_served_without_keras_pixelrnn_equals_python_api(cases, tmp_path):
    jobs = []
    for kind, case in cases.items():
        np.savez(tmp_path / f"{kind}_in.npz", **{
            f"{name}/{key}": value for name, feeds in case.requests().items()
            for key, value in feeds.items()})
        jobs.append(dict(path=case.path, inputs=str(tmp_path / f"{kind}_in.npz"),
                         outputs=str(tmp_path / f"{kind}_out.npz"),
                         signatures=list(case.requests())))
    (tmp_path / "cases.json").write_text(json.dumps(jobs))
    (tmp_path / "serve.py").write_text(SERVE_WITHOUT_KERAS)
    done = subprocess.run([sys.executable, str(tmp_path / "serve.py"),
                           str(tmp_path / "cases.json")], capture_output=True, text=True,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"), cwd=str(tmp_path),
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    for kind, case in cases.items():
        served = np.load(tmp_path / f"{kind}_out.npz")
        for name, want in case.python_api().items():
            got = {key.split("/")[1]: served[key] for key in served.files
                   if key.split("/")[0] == name}
            assert_outputs_equal(got, want, f"{kind} {name}")
        np.testing.assert_array_equal(np.where(case.known, served["complete/images"], 0),
                                      np.where(case.known, case.images, 0))


def test_class_label_changes_the_served_samples(cases):
    """The served class label reaches the model: other classes, other likelihoods."""
    case = cases["class"]
    log_prob = tf.saved_model.load(case.path).signatures["log_prob"]
    scores = [log_prob(images=tf.constant(case.images),
                       class_label=tf.constant([k], tf.int32))["log_prob"].numpy()
              for k in range(3)]
    assert not np.allclose(scores[0], scores[1])
    np.testing.assert_allclose(scores[2], kp.log_prob(case.model, case.images, class_label=2),
                               rtol=2e-6, atol=2e-4)


@pytest.mark.parametrize("kind, feeds, message", [
    ("class", dict(class_label=[0, 3]), r"classes in \[0, 3\)"),
    ("class", dict(class_label=[-1]), r"classes in \[0, 3\)"),
    ("class", dict(class_label=[0, 1]), r"got\] \[2\] \[values for a batch of\] \[5\]"),
    ("multiscale", dict(class_label=[7]), r"classes in \[0, 3\)"),
    ("image", dict(condition=np.full((1, 2, 2, 1), LEVELS)), r"values in \[0, 5\)"),
    ("image", dict(condition=np.zeros((3, 2, 2, 1))), r"values for a batch of\] \[5\]"),
])
def test_bad_conditions_are_invalid_argument(cases, kind, feeds, message):
    case = cases[kind]
    loaded = tf.saved_model.load(case.path)
    feeds = {key: tf.constant(np.asarray(value, np.int32)) for key, value in feeds.items()}
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        loaded.signatures["log_prob"](images=tf.constant(case.images), **feeds)


def test_condition_of_the_wrong_shape_is_refused(cases):
    loaded = tf.saved_model.load(cases["image"].path)
    with pytest.raises((ValueError, TypeError, tf.errors.InvalidArgumentError)):
        loaded.signatures["log_prob"](images=tf.constant(cases["image"].images),
                                      condition=tf.zeros((5, 4, 4, 1), tf.int32))
