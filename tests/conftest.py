"""Test configuration: float64 helpers and two logical CPU devices for distribution tests."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import pytest  # noqa: E402

if keras.backend.backend() == "tensorflow":
    import tensorflow as tf

    # Two logical CPU devices let MirroredStrategy tests run on a CPU-only machine. This must
    # happen before TensorFlow initialises its devices.
    _cpus = tf.config.list_physical_devices("CPU")
    try:
        tf.config.set_logical_device_configuration(
            _cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2)
    except RuntimeError:
        pass

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


SEED = int(os.environ.get("KP_TEST_SEED", "1234"))


@pytest.fixture
def float64():
    """Builds everything inside the test in float64, so that masked-out inputs change outputs
    by exactly zero and real dependencies by far more than rounding."""
    policy, floatx = keras.config.dtype_policy(), keras.config.floatx()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    keras.utils.set_random_seed(SEED)
    yield
    keras.config.set_floatx(floatx)
    keras.config.set_dtype_policy(policy)
