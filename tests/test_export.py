"""SavedModel export: every family exports, serves with TensorFlow alone, equals the Python
API, validates its inputs in the graph, and answers TF Serving requests (gRPC protos and the
serving docs' REST bodies)."""

import json
import os
import re
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_pixelrnn as kp
from keras_pixelrnn import export as kp_export

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                reason="SavedModel export is TensorFlow only")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# One tiny model per family. pixel_cnn has the shape of the docs' REST examples (the 8x8
# `digits` data, 17 levels) so that those bodies can be served by it.
MODELS = {
    "pixel_cnn": dict(image_shape=(8, 8, 1), num_levels=17, num_layers=1),
    "row_lstm": dict(image_shape=(4, 5, 1), num_levels=4, num_layers=2),
    "diagonal_bilstm": dict(image_shape=(3, 4, 3), num_levels=7, num_layers=1),
}
BATCH_SIZE = 4          # export's sampling batch: 6 samples take two batches (of 4 and 2;
                        # every request here has 6 or 2 images, to keep XLA compiles few)
MAX_SAMPLES, MAX_BATCH = 8, 16
SAMPLE = dict(num_samples=6, seed=[3, 4])
SAMPLE_T = dict(num_samples=2, seed=[7, 8], temperature=0.5)
COMPLETE_SEED, COMPLETE_T_SEED, COMPLETE_T = [5, 6], [9, 10], 2.0


class Exported:
    def __init__(self, family, model, path, images, known_pixels, known_subpixels):
        self.family, self.model, self.path = family, model, path
        self.images, self.known_pixels, self.known_subpixels = (images, known_pixels,
                                                                known_subpixels)

    def signature_inputs(self):
        """The inputs of every signature call the tests make, as numpy arrays."""
        hidden = np.where(self.known_pixels, self.images, -1)   # unknown values are ignored
        return {
            "serving_default": dict(images=self.images),
            "log_prob": dict(images=self.images),
            "sample": dict(num_samples=np.int32(SAMPLE["num_samples"]),
                           seed=np.array(SAMPLE["seed"], np.int64)),
            "sample_with_temperature": dict(num_samples=np.int32(SAMPLE_T["num_samples"]),
                                            seed=np.array(SAMPLE_T["seed"], np.int64),
                                            temperature=np.float32(SAMPLE_T["temperature"])),
            "complete": dict(images=hidden.astype(np.int32), known_mask=self.known_pixels,
                             seed=np.array(COMPLETE_SEED, np.int64)),
            "complete_with_temperature": dict(images=self.images,
                                              known_mask=self.known_subpixels,
                                              seed=np.array(COMPLETE_T_SEED, np.int64),
                                              temperature=np.float32(COMPLETE_T)),
        }

    def expected(self):
        """What the Python API returns for the same requests."""
        if getattr(self, "_expected", None) is None:
            self._expected = self._python_api()
        return self._expected

    def _python_api(self):
        model = self.model
        log_prob = kp.log_prob(model, self.images)
        bits = kp.bits_per_dim(model, self.images)
        return {
            "serving_default": dict(log_prob=log_prob, bits_per_dim=bits),
            "log_prob": dict(log_prob=log_prob, bits_per_dim=bits),
            "sample": dict(images=kp.sampling.sample(
                model, SAMPLE["num_samples"], seed=tuple(SAMPLE["seed"]),
                batch_size=BATCH_SIZE)),
            "sample_with_temperature": dict(images=kp.sampling.sample(
                model, SAMPLE_T["num_samples"], seed=tuple(SAMPLE_T["seed"]),
                temperature=SAMPLE_T["temperature"], batch_size=BATCH_SIZE)),
            "complete": dict(images=kp.sampling.complete(
                model, self.images, self.known_pixels[..., 0], seed=tuple(COMPLETE_SEED),
                batch_size=BATCH_SIZE)),
            "complete_with_temperature": dict(images=kp.sampling.complete(
                model, self.images, self.known_subpixels, seed=tuple(COMPLETE_T_SEED),
                temperature=COMPLETE_T, batch_size=BATCH_SIZE)),
        }


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Each family exported in TF Serving's layout (``base/1``), with its test inputs."""
    base = tmp_path_factory.mktemp("export")
    result = {}
    for k, (family, spec) in enumerate(MODELS.items()):
        keras.utils.set_random_seed(11 + k)
        model = kp.models.BUILDERS[family](spec["image_shape"], num_layers=spec["num_layers"],
                                           hidden_dim=4, num_levels=spec["num_levels"])
        path = kp_export.export_saved_model(model, base / family, version=1,
                                            max_samples=MAX_SAMPLES, max_batch=MAX_BATCH,
                                            batch_size=BATCH_SIZE)
        rng = np.random.default_rng(k)
        shape = (6,) + spec["image_shape"]
        images = rng.integers(0, spec["num_levels"], shape).astype(np.int32)
        known_pixels = np.zeros(shape[:3] + (1,), bool)
        known_pixels[:, :shape[1] // 2] = True                 # top half given
        known_subpixels = rng.random(shape) < 0.5
        result[family] = Exported(family, model, path, images, known_pixels, known_subpixels)
    return result


def assert_outputs_equal(got, want, what):
    assert set(got) == set(want), what
    for key, value in want.items():
        if key == "images":
            np.testing.assert_array_equal(got[key], value, err_msg=f"{what}: {key}")
        else:
            np.testing.assert_allclose(got[key], value, rtol=2e-6, atol=2e-4,
                                       err_msg=f"{what}: {key}")


def test_tf_serving_layout_and_metadata(exported):
    for family, item in exported.items():
        base = os.path.dirname(item.path)
        assert os.path.basename(item.path) == "1"
        assert sorted(os.listdir(base)) == ["1"]              # no staging folder left behind
        assert {"saved_model.pb", "variables", "assets"} <= set(os.listdir(item.path))
        meta = kp_export.read_metadata(item.path)
        spec = MODELS[family]
        assert meta["family"] == family
        assert meta["image_shape"] == list(spec["image_shape"])
        assert meta["num_levels"] == spec["num_levels"]
        assert (meta["max_samples"], meta["max_batch"], meta["batch_size"]) == (
            MAX_SAMPLES, MAX_BATCH, BATCH_SIZE)
        assert meta["signatures"] == list(kp_export.SIGNATURES)


SERVE_WITHOUT_KERAS = textwrap.dedent('''
    import importlib.abc, sys

    class Blocked(importlib.abc.MetaPathFinder):
        """Makes keras_pixelrnn unimportable, as on a serving machine."""
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] == "keras_pixelrnn":
                raise ModuleNotFoundError(f"No module named {name!r} (blocked)")
            return None

    sys.meta_path.insert(0, Blocked())
    try:
        import keras_pixelrnn  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("keras_pixelrnn could be imported")

    import json
    import numpy as np
    import tensorflow as tf

    for case in json.load(open(sys.argv[1])):
        loaded = tf.saved_model.load(case["path"])
        inputs = np.load(case["inputs"])
        outputs = {}
        for name in case["signatures"]:
            feeds = {key.split("/")[1]: tf.constant(inputs[key]) for key in inputs.files
                     if key.split("/")[0] == name}
            for key, value in loaded.signatures[name](**feeds).items():
                outputs[f"{name}/{key}"] = value.numpy()
        for key, value in loaded.metadata().items():
            outputs[f"metadata/{key}"] = value.numpy()
        np.savez(case["outputs"], **outputs)
    leaked = sorted(m for m in sys.modules if m.partition(".")[0] == "keras_pixelrnn")
    assert not leaked, leaked
    print("served", len(json.load(open(sys.argv[1]))), "models without keras_pixelrnn")
''')


def test_served_with_tensorflow_alone_equals_python_api(exported, tmp_path):
    """Every signature of every family, called in a process where keras_pixelrnn cannot be
    imported, returns what the Python API returns."""
    cases = []
    for family, item in exported.items():
        inputs = {f"{name}/{key}": value
                  for name, feeds in item.signature_inputs().items()
                  for key, value in feeds.items()}
        np.savez(tmp_path / f"{family}_in.npz", **inputs)
        cases.append(dict(path=item.path, inputs=str(tmp_path / f"{family}_in.npz"),
                          outputs=str(tmp_path / f"{family}_out.npz"),
                          signatures=list(kp_export.SIGNATURES)))
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    (tmp_path / "serve.py").write_text(SERVE_WITHOUT_KERAS)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, str(tmp_path / "serve.py"),
                           str(tmp_path / "cases.json")], capture_output=True, text=True,
                          env=env, cwd=str(tmp_path), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "without keras_pixelrnn" in done.stdout

    for family, item in exported.items():
        served = np.load(tmp_path / f"{family}_out.npz")
        for name, want in item.expected().items():
            got = {key.split("/")[1]: served[key] for key in served.files
                   if key.split("/")[0] == name}
            assert_outputs_equal(got, want, f"{family} {name}")
        # Given sub-pixels come back unchanged.
        completed = served["complete/images"]
        np.testing.assert_array_equal(
            np.where(item.known_pixels, completed, 0),
            np.where(item.known_pixels, item.images, 0))
        spec = MODELS[family]
        np.testing.assert_array_equal(served["metadata/image_shape"], spec["image_shape"])
        assert served["metadata/num_levels"] == spec["num_levels"]
        assert served["metadata/family"] == family.encode()


@pytest.fixture(scope="module")
def row_lstm(exported):
    item = exported["row_lstm"]
    return item, tf.saved_model.load(item.path)


@pytest.fixture(scope="module")
def row_lstm_server(exported):
    pytest.importorskip("tensorflow_serving.apis.predict_pb2")
    return SessionServer(exported["row_lstm"].path)


def _call(loaded, name, **inputs):
    return {k: v.numpy() for k, v in loaded.signatures[name](
        **{key: tf.constant(value) for key, value in inputs.items()}).items()}


SEED = np.array([1, 2], np.int64)


def _bad_requests(item):
    """(signature, inputs, message regex) of requests that must fail with InvalidArgument."""
    images, known = item.images, item.known_pixels
    height, width, _ = item.model.image_shape
    levels = item.model.num_levels
    return [
        ("log_prob", dict(images=images + levels), r"pixel values in \[0, 4\).*got values"),
        ("log_prob", dict(images=images - 1), r"pixel values in \[0, 4\)"),
        ("log_prob", dict(images=np.zeros((0, height, width, 1), np.int32)),
         r"number of images must be in \[1, 16\]"),
        ("log_prob", dict(images=np.zeros((MAX_BATCH + 1, height, width, 1), np.int32)),
         r"number of images must be in \[1, 16\].*got:.*17"),
        ("sample", dict(num_samples=np.int32(0), seed=SEED), r"num_samples must be in \[1, 8\]"),
        ("sample", dict(num_samples=np.int32(-3), seed=SEED), r"num_samples must be in"),
        ("sample", dict(num_samples=np.int32(2**31 - 1), seed=SEED),
         r"num_samples must be in \[1, 8\] \(the limit fixed at export\)"),
        ("sample_with_temperature", dict(num_samples=np.int32(2), seed=SEED,
                                         temperature=np.float32(0)),
         r"temperature must be a positive number"),
        ("sample_with_temperature", dict(num_samples=np.int32(2), seed=SEED,
                                         temperature=np.float32(np.nan)),
         r"temperature must be a positive number"),
        ("complete", dict(images=images, known_mask=known[:4], seed=SEED),
         r"known_mask must be bool of shape \(batch, 4, 5, 1\) with the batch of images"),
        ("complete", dict(images=np.where(known, images, 9).astype(np.int32),
                          known_mask=~known, seed=SEED), r"pixel values in \[0, 4\)"),
        ("complete", dict(images=np.zeros((MAX_SAMPLES + 1, height, width, 1), np.int32),
                          known_mask=np.zeros((MAX_SAMPLES + 1, height, width, 1), bool),
                          seed=SEED), r"complete: the number of images must be in \[1, 8\]"),
    ]


def test_bad_inputs_fail_with_invalid_argument(row_lstm):
    item, loaded = row_lstm
    for name, inputs, message in _bad_requests(item):
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            _call(loaded, name, **inputs)
    # Values where known_mask is False are ignored (any placeholder, here -1).
    hidden = np.where(item.known_pixels, item.images, -1).astype(np.int32)
    out = _call(loaded, "complete", images=hidden, known_mask=item.known_pixels, seed=SEED)
    assert out["images"].min() >= 0


# -- TF Serving -------------------------------------------------------------------------------

class SessionServer:
    """Runs a SavedModel's signatures the way TF Serving's Predict does: the SavedModel is
    loaded into a (TF1) session and each request input is fed, as the tensor decoded from its
    TensorProto, to the signature's input tensor by name, with no Python-side shape check
    (``session.run`` would add one, so the C API is called directly)."""

    def __init__(self, path):
        from tensorflow.python.client import pywrap_tf_session

        self._run = pywrap_tf_session.TF_SessionRun_wrapper
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.session = tf.compat.v1.Session(graph=self.graph)
            self.meta_graph = tf.compat.v1.saved_model.load(self.session, ["serve"], path)

    def predict(self, request):
        signature = self.meta_graph.signature_def[request.model_spec.signature_name
                                                  or "serving_default"]
        if set(request.inputs) != set(signature.inputs):   # TF Serving requires every input
            raise ValueError(f"inputs {sorted(request.inputs)} != {sorted(signature.inputs)}")
        tensor = self.graph.get_tensor_by_name
        feeds = {tensor(signature.inputs[key].name)._as_tf_output(): tf.make_ndarray(proto)
                 for key, proto in request.inputs.items()}
        keys = sorted(signature.outputs)
        values = self._run(self.session._session, None, feeds,
                           [tensor(signature.outputs[key].name)._as_tf_output() for key in keys],
                           [], None)
        return dict(zip(keys, values))


def predict_request(signature_name, inputs, model_name="pixelrnn"):
    """A gRPC PredictRequest, built as docs/serving.md shows."""
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    request.model_spec.signature_name = signature_name
    dtypes = {"images": tf.int32, "known_mask": tf.bool, "num_samples": tf.int32,
              "seed": tf.int64, "temperature": tf.float32}
    for key, value in inputs.items():
        request.inputs[key].CopyFrom(tf.make_tensor_proto(value, dtype=dtypes[key]))
    return request


def check_against_signature(inputs, signature):
    """Request inputs (name → TensorProto) have the signature's names, dtypes, and shapes
    compatible with its TensorSpecs."""
    specs = signature.structured_input_signature[1]
    assert set(inputs) == set(specs)
    for key, proto in inputs.items():
        assert proto.dtype == specs[key].dtype.as_datatype_enum, key
        shape = tf.TensorShape([d.size for d in proto.tensor_shape.dim])
        assert specs[key].shape.is_compatible_with(shape), (key, shape, specs[key].shape)


def test_grpc_predict_requests_match_signatures_and_serve(row_lstm, row_lstm_server):
    """A PredictRequest per signature, built from the real protos, has the signature's input
    names and dtypes, and served as TF Serving does it answers what the Python API does."""
    item, loaded = row_lstm
    expected = item.expected()
    for name, inputs in item.signature_inputs().items():
        request = predict_request(name, inputs)
        check_against_signature(request.inputs, loaded.signatures[name])
        assert_outputs_equal(row_lstm_server.predict(request), expected[name],
                             f"{name} via session")


def test_bad_requests_fail_in_the_serving_session(row_lstm, row_lstm_server):
    """TF Serving feeds any shape to a signature's placeholder: the graph itself rejects wrong
    shapes and values with InvalidArgument."""
    item, _ = row_lstm
    server = row_lstm_server
    images = item.images
    wrong_shapes = [
        ("log_prob", dict(images=images[..., 0]), r"\[6,4,5\] is not compatible with expected "
                                                  r"shape \[\?,4,5,1\]"),
        ("log_prob", dict(images=images[:, :3]), r"\[6,3,5,1\] is not compatible"),
        ("log_prob", dict(images=images[..., None]), r"\[6,4,5,1,1\] is not compatible"),
        ("sample", dict(num_samples=[2, 3], seed=SEED), r"\[2\] is not compatible with "
                                                        r"expected shape \[\]"),
        ("sample", dict(num_samples=2, seed=[1, 2, 3]), r"\[3\] is not compatible with "
                                                        r"expected shape \[2\]"),
        ("complete", dict(images=images, known_mask=item.known_pixels[..., 0], seed=SEED),
         r"\[6,4,5\] is not compatible with expected shape \[\?,4,5,\?\]"),
    ]
    for name, inputs, message in wrong_shapes + _bad_requests(item):
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            server.predict(predict_request(name, inputs))


def _doc_rest_bodies():
    """Every JSON request body (a ```json block with "signature_name") in the serving docs."""
    bodies = []
    for doc in ("docs/serving.md", "README.md"):
        file = os.path.join(ROOT, doc)
        if os.path.exists(file):
            text = open(file, encoding="utf-8").read()
            for block in re.findall(r"```json\n(.*?)```", text, flags=re.S):
                if '"signature_name"' in block:
                    bodies.append(json.loads(block))
    return bodies


def test_rest_bodies_in_docs_match_signatures_and_serve(exported):
    """The docs' REST bodies (columnar "inputs", for the 8x8 digits model) name exactly each
    signature's inputs, convert to its dtypes losslessly, and are served."""
    pytest.importorskip("tensorflow_serving.apis.predict_pb2")
    item = exported["pixel_cnn"]
    loaded = tf.saved_model.load(item.path)
    server = SessionServer(item.path)
    bodies = _doc_rest_bodies()
    assert {body["signature_name"] for body in bodies} >= set(kp_export.SIGNATURES) - {
        "serving_default"}
    for body in bodies:
        name = body["signature_name"]
        specs = loaded.signatures[name].structured_input_signature[1]
        assert set(body) == {"signature_name", "inputs"}
        assert set(body["inputs"]) == set(specs), name
        arrays = {}
        for key, value in body["inputs"].items():
            array = np.asarray(value, dtype=specs[key].dtype.as_numpy_dtype)
            if specs[key].dtype.is_floating:
                np.testing.assert_allclose(array, value, rtol=1e-6, err_msg=f"{name} {key}")
            else:   # integers and booleans: exactly the JSON values
                np.testing.assert_array_equal(array, np.asarray(value), err_msg=f"{name} {key}")
            assert specs[key].shape.is_compatible_with(array.shape), (name, key, array.shape)
            arrays[key] = array
        request = predict_request(name, arrays)
        check_against_signature(request.inputs, loaded.signatures[name])
        outputs = server.predict(request)
        assert set(outputs) == set(loaded.signatures[name].structured_outputs)


def test_saved_model_cli_shows_every_signature(exported):
    item = exported["diagonal_bilstm"]
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    command = ([cli] if os.path.exists(cli) else
               [sys.executable, "-m", "tensorflow.python.tools.saved_model_cli"])
    done = subprocess.run(command + ["show", "--all", "--dir", item.path],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for name in kp_export.SIGNATURES:
        assert f"signature_def['{name}']:" in text, name
    for alias in ("images", "known_mask", "num_samples", "seed", "temperature", "log_prob",
                  "bits_per_dim"):
        assert f"['{alias}'] tensor_info" in text, alias
    assert "shape: (-1, 3, 4, 3)" in text


def test_tfsm_layer_reloads_the_log_prob_endpoint(exported):
    item = exported["row_lstm"]
    layer = keras.layers.TFSMLayer(item.path, call_endpoint="log_prob")
    out = layer(item.images)
    np.testing.assert_allclose(np.asarray(out["log_prob"]), kp.log_prob(item.model, item.images),
                               rtol=2e-6, atol=2e-4)
    inputs = keras.Input(item.model.image_shape, dtype="int32")
    scorer = keras.Model(inputs, layer(inputs)["bits_per_dim"])
    np.testing.assert_allclose(scorer.predict(item.images, verbose=0),
                               kp.bits_per_dim(item.model, item.images), rtol=2e-6, atol=2e-5)


def test_export_argument_errors(exported):
    item = exported["row_lstm"]
    base = os.path.dirname(item.path)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        kp_export.export_saved_model(item.model, base, version=1)
    for bad in (0, -1, "2", 1.5):
        with pytest.raises(ValueError, match="version"):
            kp_export.export_saved_model(item.model, base, version=bad)
    with pytest.raises(ValueError, match="max_samples"):
        kp_export.export_saved_model(item.model, base, version=3, max_samples=0)
    plain = keras.Sequential([keras.Input((4, 5, 1)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="keras_pixelrnn.models"):
        kp_export.export_saved_model(plain, base, version=3)
    assert sorted(os.listdir(base)) == ["1"]


def test_export_from_workdir(tmp_path):
    """A training run's last checkpoint exports (what `python -m keras_pixelrnn export` does)."""
    training = pytest.importorskip("keras_pixelrnn.training")
    workdir = tmp_path / "run"
    training.train(str(workdir), model="pixel_cnn", num_layers=1, hidden_dim=4, epochs=1,
                   steps_per_epoch=1, verbose=0)
    path = kp_export.export_from_workdir(workdir, tmp_path / "serving", version=3)
    assert path == str(tmp_path / "serving" / "3")
    model, _ = training.load_model(workdir)
    assert kp_export.read_metadata(path)["image_shape"] == list(model.image_shape)
    images = np.random.default_rng(0).integers(0, model.num_levels,
                                               (3,) + model.image_shape).astype(np.int32)
    served = tf.saved_model.load(path).signatures["log_prob"](images=tf.constant(images))
    np.testing.assert_allclose(served["log_prob"].numpy(), kp.log_prob(model, images),
                               rtol=2e-6, atol=2e-4)


def test_xla_export_loads_and_gives_the_same_samples(exported, tmp_path):
    """jit_compile=True keeps XLA in the sampler graph: it loads and runs in a plain
    TensorFlow process and draws the same images."""
    item = exported["pixel_cnn"]
    path = kp_export.export_saved_model(item.model, tmp_path / "xla", batch_size=BATCH_SIZE,
                                        jit_compile=True)
    assert kp_export.read_metadata(path)["jit_compile"] is True
    loaded = tf.saved_model.load(path)
    got = _call(loaded, "sample", num_samples=np.int32(3), seed=np.array([3, 4], np.int64))
    np.testing.assert_array_equal(got["images"], kp.sampling.sample(
        item.model, 3, seed=(3, 4), batch_size=BATCH_SIZE))
