"""Tests of keras_pixelrnn.data: every source, binarization and the error messages.

The tfds datasets are exercised offline with `tfds.testing.mock_data` (random
uint8 data; no network, no prepared files). Its default policy falls back to the
builders' code (no metadata files needed); downsampled_imagenet declares images
of unknown size, so its mock uses `as_dataset_fn` to give images of the real
size.
"""

import ast
import dataclasses
import pathlib
import time

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from keras_pixelrnn import data as kd

TFDS_NAMES = [name for name in kd.DATASETS if kd.info.is_tfds(name)]


def _fake_imagenet(num_examples):
    """An `as_dataset_fn` for mock_data giving downsampled_imagenet's real size."""

    def as_dataset(self, split, decoders=None, read_config=None,
                   shuffle_files=False, **kwargs):
        del split, decoders, read_config, shuffle_files, kwargs
        size = int(self.builder_config.name.split("x")[0])
        rng = np.random.default_rng(0)
        images = rng.integers(0, 256, (num_examples, size, size, 3), np.uint8)
        return tf.data.Dataset.from_tensor_slices({"image": images})

    return as_dataset


def _mock(name, num_examples):
    if name.startswith("downsampled_imagenet"):
        return tfds.testing.mock_data(as_dataset_fn=_fake_imagenet(num_examples))
    # mock_data draws uint8 values in [0, max_value); 2 gives binary images.
    max_value = 2 if name == "binarized_mnist" else None
    return tfds.testing.mock_data(num_examples=num_examples, max_value=max_value)


def _all_images(dataset):
    return np.concatenate([batch.numpy() for batch in dataset])


def _sorted_rows(images):
    return sorted(image.tobytes() for image in images)


# --------------------------------------------------------------------- info


def test_dataset_names_and_static_info():
    assert kd.DATASETS == ("digits", "mnist_5k", "binarized_mnist_5k", "mnist",
                           "binarized_mnist", "cifar10",
                           "downsampled_imagenet/32x32",
                           "downsampled_imagenet/64x64")
    expected = {
        "digits": ((8, 8, 1), 17),
        "mnist_5k": ((28, 28, 1), 256),
        "binarized_mnist_5k": ((28, 28, 1), 2),
        "mnist": ((28, 28, 1), 256),
        "binarized_mnist": ((28, 28, 1), 2),
        "cifar10": ((32, 32, 3), 256),
        "downsampled_imagenet/32x32": ((32, 32, 3), 256),
        "downsampled_imagenet/64x64": ((64, 64, 3), 256),
    }
    for name, (shape, levels) in expected.items():
        info = kd.get_info(name)
        assert isinstance(info, kd.DatasetInfo)
        assert (info.name, info.image_shape, info.num_levels) == (name, shape, levels)
        assert set(info.num_examples) == set(info.splits)
    assert kd.get_info("binarized_mnist").splits == ("train", "validation", "test")
    assert kd.get_info("digits").num_examples == {"train": 1500, "test": 297}
    assert kd.get_info("cifar10").num_dims == 32 * 32 * 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        kd.get_info("mnist").num_levels = 2
    hash(kd.get_info("mnist"))


def test_unknown_name_lists_valid_names():
    for call in (lambda: kd.get_info("imagenet"), lambda: kd.load("imagenet")):
        with pytest.raises(ValueError) as err:
            call()
        message = str(err.value)
        assert "'imagenet'" in message
        assert "'digits'" in message and "'cifar10'" in message
        assert "from_numpy" in message and "from_directory" in message


def test_check_compatible():
    info = kd.get_info("digits")
    kd.check_compatible(info, (8, 8, 1), 17)
    kd.check_compatible(info, (None, None, 1), 17)
    with pytest.raises(ValueError) as err:
        kd.check_compatible(info, (28, 28, 1), 256)
    message = str(err.value)
    for part in ("'digits'", "(8, 8, 1)", "17 levels", "(28, 28, 1)",
                 "256 levels", "image_shape=(8, 8, 1), num_levels=17"):
        assert part in message
    with pytest.raises(ValueError, match="2 levels"):
        kd.check_compatible(kd.get_info("binarized_mnist"), (28, 28, 1), 256)


def test_data_package_does_not_import_models():
    forbidden = ("keras_pixelrnn.layers", "keras_pixelrnn.models",
                 "keras_pixelrnn.sampling", "keras_pixelrnn.likelihood")
    folder = pathlib.Path(kd.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [
                    f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(forbidden), (path.name, name)


# --------------------------------------------------------------------- tfds


@pytest.mark.parametrize("name", TFDS_NAMES)
def test_tfds_dataset_loads_under_mock(name):
    info = kd.get_info(name)
    split = info.splits[-1]
    with _mock(name, num_examples=10):
        dataset, loaded_info = kd.load(name, split=split, batch_size=4,
                                       with_info=True)
        batches = [batch.numpy() for batch in dataset]
    assert loaded_info == info
    assert [len(b) for b in batches] == [4, 4, 2]
    assert dataset.element_spec.dtype == tf.uint8
    assert tuple(dataset.element_spec.shape[1:]) == info.image_shape
    for batch in batches:
        assert batch.dtype == np.uint8
        assert batch.shape[1:] == info.image_shape
        assert batch.min() >= 0 and batch.max() < info.num_levels
    assert np.concatenate(batches).max() > 0


def test_tfds_train_is_shuffled_repeated_and_sliced():
    with _mock("mnist", num_examples=12):
        plain = _all_images(kd.load("mnist", split="train", shuffle=False,
                                    batch_size=12))
        shuffled = kd.load("mnist", split="train", batch_size=12,
                           drop_remainder=True, repeat=True)
        first, second = [b.numpy() for b in shuffled.take(2)]
        sliced = _all_images(kd.load("mnist", split="train[:90%]+test",
                                     batch_size=5))
    assert _sorted_rows(first) == _sorted_rows(plain)
    assert not np.array_equal(first, plain)  # shuffle=None shuffles "train"
    assert not np.array_equal(first, second)  # a new order each epoch
    assert sliced.shape[1:] == (28, 28, 1)


def test_tfds_unknown_split():
    with pytest.raises(ValueError) as err:
        kd.load("cifar10", split="validation")
    message = str(err.value)
    assert "'validation'" in message and "'train', 'test'" in message
    with pytest.raises(ValueError, match="'tset'"):
        kd.load("mnist", split="train[:10%]+tset")


def test_offline_failure_is_fast_and_says_what_to_do(tmp_path):
    start = time.perf_counter()
    with pytest.raises(kd.DatasetUnavailableError) as err:
        kd.load("cifar10", data_dir=str(tmp_path))
    assert time.perf_counter() - start < 10
    message = str(err.value)
    assert "'cifar10'" in message and str(tmp_path) in message
    assert "data_dir" in message and "digits" in message
    assert err.value.__cause__ is not None  # tfds' own error is chained
    assert isinstance(err.value, RuntimeError)

    with pytest.raises(kd.DatasetUnavailableError) as err:
        kd.load("downsampled_imagenet/64x64", split="validation",
                data_dir=str(tmp_path))
    message = str(err.value)
    assert "broken" in message and "--manual_dir" in message
    assert "train_64x64.tar" in message and "digits" in message


# ---------------------------------------------------------------- binarize


def test_binarize_argument_errors():
    with pytest.raises(ValueError, match="Thresholding is not offered"):
        kd.load("digits", binarize="threshold")
    with pytest.raises(ValueError, match="3 channel"):
        kd.load("cifar10", binarize="fixed")
    with pytest.raises(ValueError, match="already binary"):
        kd.load("binarized_mnist", binarize="dynamic")


def test_fixed_binarization_is_a_function_of_seed_and_element():
    with _mock("mnist", num_examples=24):
        source = _all_images(kd.load("mnist", split="test", batch_size=8))

        def fixed(seed=3, shuffle=False, batch_size=8):
            dataset, info = kd.load("mnist", split="test", binarize="fixed",
                                    seed=seed, shuffle=shuffle,
                                    batch_size=batch_size, with_info=True)
            assert info.num_levels == 2
            return _all_images(dataset)

        first, again = fixed(), fixed(batch_size=5)
        shuffled, other_seed = fixed(shuffle=True), fixed(seed=4)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, shuffled)
    assert _sorted_rows(first) == _sorted_rows(shuffled)
    assert not np.array_equal(first, other_seed)
    assert set(np.unique(first)) <= {0, 1}
    assert abs(first.mean() - source.mean() / 255.0) < 0.02


def test_dynamic_binarization_redraws_each_epoch():
    with _mock("mnist", num_examples=24):
        source = _all_images(kd.load("mnist", split="train", shuffle=False,
                                     batch_size=24))
        dataset = kd.load("mnist", split="train", shuffle=False,
                          binarize="dynamic", batch_size=24)
        epoch1, epoch2 = _all_images(dataset), _all_images(dataset)
        repeated = kd.load("mnist", split="train", shuffle=False, repeat=True,
                           binarize="dynamic", batch_size=24)
        batch1, batch2 = [b.numpy() for b in repeated.take(2)]
        rebuilt = _all_images(kd.load("mnist", split="train", shuffle=False,
                                      binarize="dynamic", batch_size=24))
    assert not np.array_equal(epoch1, epoch2)
    assert not np.array_equal(batch1, batch2)
    np.testing.assert_array_equal(epoch1, rebuilt)  # reproducible for a seed
    for images in (epoch1, epoch2, batch1):
        assert set(np.unique(images)) <= {0, 1}
        assert abs(images.mean() - source.mean() / 255.0) < 0.02


def test_numpy_binarize_matches_the_paper_snippet():
    d = np.random.default_rng(5).integers(0, 256, (50, 6, 6), np.uint8)
    rng = np.random.default_rng(0)
    expected = (rng.random(d.shape) < d / 255.0).astype("uint8")
    np.testing.assert_array_equal(kd.binarize(d, 0), expected)
    # A Generator continues its stream, as in the PAPER.md split snippet.
    rng_a, rng_b = np.random.default_rng(1), np.random.default_rng(1)
    rng_a.permutation(50)
    rng_b.permutation(50)
    np.testing.assert_array_equal(
        kd.binarize(d, rng_a), (rng_b.random(d.shape) < d / 255.0).astype("uint8"))
    assert kd.binarize(d, 0).dtype == np.uint8


# ------------------------------------------------------------------- digits


def test_digits_shapes_levels_and_splits():
    train, info = kd.load("digits", split="train", batch_size=64, with_info=True)
    test = kd.load("digits", split="test", batch_size=64)
    assert info == kd.get_info("digits") and info.num_levels == 17
    train_images, test_images = _all_images(train), _all_images(test)
    assert train_images.shape == (1500, 8, 8, 1)
    assert test_images.shape == (297, 8, 8, 1)
    assert train_images.dtype == np.uint8
    assert train_images.max() == 16 and train_images.min() == 0

    from sklearn.datasets import load_digits

    everything = load_digits().images.astype(np.uint8)[..., None]
    assert _sorted_rows(np.concatenate([train_images, test_images])) == \
        _sorted_rows(everything)
    expected_test = everything[np.random.default_rng(0).permutation(1797)][1500:]
    np.testing.assert_array_equal(test_images, expected_test)


def test_digits_train_is_shuffled_and_test_is_not():
    test = kd.load("digits", split="test", batch_size=297)
    np.testing.assert_array_equal(_all_images(test), _all_images(test))
    ordered = _all_images(kd.load("digits", split="train", shuffle=False,
                                  batch_size=1500))
    train = kd.load("digits", split="train", batch_size=1500)
    epoch1, epoch2 = _all_images(train), _all_images(train)
    assert not np.array_equal(epoch1, ordered)
    assert not np.array_equal(epoch1, epoch2)
    assert _sorted_rows(epoch1) == _sorted_rows(ordered)
    # The same seed gives the same first epoch.
    np.testing.assert_array_equal(
        epoch1, _all_images(kd.load("digits", split="train", batch_size=1500)))


def test_digits_unknown_split():
    with pytest.raises(ValueError) as err:
        kd.load("digits", split="validation")
    assert "'validation'" in str(err.value) and "'train', 'test'" in str(err.value)


def test_digits_fixed_binarization_matches_numpy_helper():
    dataset, info = kd.load("digits", split="test", binarize="fixed", seed=7,
                            batch_size=297, with_info=True)
    levels = _all_images(kd.load("digits", split="test", batch_size=297))
    assert info.num_levels == 2
    np.testing.assert_array_equal(_all_images(dataset),
                                  kd.binarize(levels, 7, num_levels=17))


# -------------------------------------------------------------- from_numpy


def test_from_numpy_shapes_levels_and_batching():
    images = np.random.default_rng(0).integers(0, 256, (10, 5, 4), np.uint8)
    dataset, info = kd.from_numpy(images, batch_size=4, with_info=True)
    batches = [b.numpy() for b in dataset]
    assert [b.shape for b in batches] == [(4, 5, 4, 1), (4, 5, 4, 1), (2, 5, 4, 1)]
    np.testing.assert_array_equal(np.concatenate(batches)[..., 0], images)
    assert (info.image_shape, info.num_levels) == ((5, 4, 1), 256)
    assert info.num_examples == {"all": 10}

    dropped = kd.from_numpy(images, batch_size=4, drop_remainder=True)
    assert [len(b) for b in dropped] == [4, 4]
    assert dropped.element_spec.shape.as_list() == [4, 5, 4, 1]
    forever = kd.from_numpy(images, batch_size=4, repeat=True, shuffle=True)
    assert len(list(forever.take(7))) == 7

    rgb = np.zeros((3, 2, 2, 3), np.int64) + 16
    _, info = kd.from_numpy(rgb, num_levels=17, with_info=True)
    assert (info.image_shape, info.num_levels) == ((2, 2, 3), 17)
    floats = np.arange(16, dtype=np.float32).reshape(1, 4, 4)
    batch = next(iter(kd.from_numpy(floats, num_levels=16)))
    assert batch.dtype == tf.uint8 and int(batch.numpy().max()) == 15
    _, info = kd.from_numpy(np.zeros((2, 3, 3), bool), with_info=True)
    assert info.num_levels == 2


def test_from_numpy_fixed_binarization_equals_helper():
    images = np.random.default_rng(1).integers(0, 256, (20, 6, 6), np.uint8)
    dataset, info = kd.from_numpy(images, binarize="fixed", seed=9,
                                  batch_size=20, with_info=True)
    assert info.num_levels == 2
    np.testing.assert_array_equal(next(iter(dataset)).numpy()[..., 0],
                                  kd.binarize(images, 9))


@pytest.mark.parametrize("images, kwargs, parts", [
    (np.full((4, 5, 5), 20, np.int64), {"num_levels": 17},
     ["[0, 17)", "max 20", "num_levels=21"]),
    (np.full((4, 5, 5), -1, np.int32), {"num_levels": 17}, ["min -1"]),
    (np.zeros((5, 5), np.uint8), {}, ["(N, H, W)", "images[None]"]),
    (np.zeros((2, 5, 5, 1, 1), np.uint8), {}, ["(N, H, W, C)", "(2, 5, 5, 1, 1)"]),
    (np.full((2, 4, 4), 0.5, np.float32), {}, ["[0, 1]", "(x * 255)"]),
    (np.full((2, 4, 4), 3.5), {"num_levels": 17}, ["fractional", "np.round"]),
    (np.zeros((2, 4, 4), np.int64), {}, ["num_levels is needed", "int64"]),
    (np.zeros((0, 4, 4), np.uint8), {}, ["empty"]),
    (np.zeros((2, 4, 4), np.uint8), {"num_levels": 300}, ["[2, 256]"]),
])
def test_from_numpy_bad_arrays(images, kwargs, parts):
    with pytest.raises(ValueError) as err:
        kd.from_numpy(images, **kwargs)
    for part in parts:
        assert part in str(err.value)


# ----------------------------------------------------------- from_directory


def _write_pngs(folder, images):
    folder.mkdir(parents=True, exist_ok=True)
    for index, image in enumerate(images):
        png = tf.io.encode_png(image).numpy()
        (folder / f"img_{index:02d}.png").write_bytes(png)


def test_from_directory(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (5, 6, 5, 3), np.uint8)
    _write_pngs(tmp_path / "pngs", images)
    (tmp_path / "pngs" / "notes.txt").write_text("not an image")

    dataset, info = kd.from_directory(str(tmp_path / "pngs"), batch_size=2,
                                      with_info=True)
    np.testing.assert_array_equal(_all_images(dataset), images)  # lossless
    assert (info.image_shape, info.num_levels) == ((6, 5, 3), 256)
    assert info.num_examples == {"all": 5}

    grey = _all_images(kd.from_directory(str(tmp_path / "pngs"),
                                         color_mode="grayscale"))
    assert grey.shape == (5, 6, 5, 1) and grey.dtype == np.uint8
    resized = _all_images(kd.from_directory(str(tmp_path / "pngs"),
                                            image_size=(3, 3)))
    assert resized.shape == (5, 3, 3, 3)
    binary = _all_images(kd.from_directory(
        str(tmp_path / "pngs"), color_mode="grayscale", binarize="fixed"))
    assert set(np.unique(binary)) <= {0, 1}

    _write_pngs(tmp_path / "mixed", [images[0], images[0, :4, :4]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="image_size"):
        _all_images(kd.from_directory(str(tmp_path / "mixed")))


def test_from_directory_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        kd.from_directory(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="contains no images"):
        kd.from_directory(str(tmp_path / "empty"))
    with pytest.raises(ValueError, match="color_mode"):
        kd.from_directory(str(tmp_path / "empty"), color_mode="rgba")


# --- mnist_5k: 5,000 MNIST digits from ../shared/data (offline) ---------------------------

_SHARED_5K = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist_train_5k.npz"
needs_5k = pytest.mark.skipif(not _SHARED_5K.exists(), reason="needs shared/data/mnist_train_5k.npz")


@needs_5k
def test_mnist_5k_split_and_binarization_follow_the_paper_protocol():
    # The protocol as ../shared/PAPER.md gives it, written out here independently.
    d = np.load(_SHARED_5K)["images"]
    rng = np.random.default_rng(0)
    d = d[rng.permutation(len(d))]
    xb = (rng.random(d.shape) < d / 255.0).astype("uint8")

    def whole(name, split, **kwargs):
        return np.concatenate(list(kd.load(name, split=split, batch_size=1000, shuffle=False,
                                           **kwargs).as_numpy_iterator()))

    np.testing.assert_array_equal(whole("mnist_5k", "train")[..., 0], d[:4500])
    np.testing.assert_array_equal(whole("mnist_5k", "validation")[..., 0], d[4500:])
    np.testing.assert_array_equal(whole("binarized_mnist_5k", "validation")[..., 0], xb[4500:])
    np.testing.assert_array_equal(whole("binarized_mnist_5k", "train")[..., 0], xb[:4500])
    # Fixed binarization of the 8-bit data is the protocol's draw, whatever the seed.
    np.testing.assert_array_equal(
        whole("mnist_5k", "validation", binarize="fixed", seed=7)[..., 0], xb[4500:])
    assert kd.get_info("binarized_mnist_5k").num_levels == 2
    assert kd.get_info("mnist_5k").num_examples == {"train": 4500, "validation": 500}


@needs_5k
def test_mnist_5k_dynamic_binarization_redraws_and_is_binary():
    first, second = (next(iter(kd.load("mnist_5k", split="validation", batch_size=500,
                                       shuffle=False, binarize="dynamic", seed=s)))
                     for s in (0, 1))
    assert set(np.unique(first)) <= {0, 1} and not np.array_equal(first, second)


def test_mnist_5k_missing_file_says_where_it_looked(tmp_path, monkeypatch):
    from keras_pixelrnn.data import mnist_5k
    monkeypatch.setenv("KERAS_PIXELRNN_DATA_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setattr(mnist_5k, "_candidates",
                        lambda data_dir: [str(tmp_path / "a" / mnist_5k.FILE_NAME)])
    with pytest.raises(kd.DatasetUnavailableError, match="mnist_train_5k.npz.*data_dir"):
        kd.load("mnist_5k", split="train")


def test_mnist_5k_rejects_tfds_slicing():
    with pytest.raises(ValueError, match="slicing"):
        kd.load("mnist_5k", split="train[:10%]")
