"""``tf.distribute`` strategies by name: the one place that knows about devices and clusters.

``"default"``       the default strategy (one device; whatever TensorFlow places ops on).
``"mirrored"``      synchronous data parallelism over all local GPUs (or, without GPUs, over all
                    logical CPU devices: one unless the CPU was split, as the tests do).
``"multi_worker"``  synchronous data parallelism over several machines (or processes); the
                    cluster comes from the ``TF_CONFIG`` environment variable.
``"tpu"``           a TPU (``--tpu`` / ``TPU_NAME``, or ``"local"`` on a TPU VM).

The global batch size is the configured one whatever the strategy: each of ``R`` replicas
gets ``batch_size / R`` images per step and the gradients are summed across replicas.
"""

import json
import os

import tensorflow as tf

from keras_pixelrnn.training.errors import StrategyError

STRATEGIES = ("default", "mirrored", "multi_worker", "tpu")

_TF_CONFIG_HELP = (
    'TF_CONFIG must be JSON naming the cluster and this process\'s task, e.g.\n'
    '  TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
    '"task": {"type": "worker", "index": 0}}\'\n'
    "with the same cluster on every worker and index 0, 1, ... (worker 0 is the chief: it "
    "writes the workdir).")


def local_devices():
    """Names of the devices a ``"mirrored"`` strategy replicates over: every logical GPU, or
    every logical CPU device when there is no GPU."""
    gpus = tf.config.list_logical_devices("GPU")
    devices = gpus or tf.config.list_logical_devices("CPU")
    return [device.name for device in devices]


def check_tf_config(environ=None):
    """Returns the parsed ``TF_CONFIG`` of a multi-worker run, or raises a StrategyError
    saying what is missing."""
    raw = (os.environ if environ is None else environ).get("TF_CONFIG")
    if not raw:
        raise StrategyError("strategy 'multi_worker' needs the TF_CONFIG environment variable "
                            "on every worker, and it is not set.\n" + _TF_CONFIG_HELP)
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as err:
        raise StrategyError(f"TF_CONFIG is not valid JSON ({err}): {raw!r}.\n"
                            + _TF_CONFIG_HELP) from None
    cluster = config.get("cluster") if isinstance(config, dict) else None
    task = config.get("task") if isinstance(config, dict) else None
    if not isinstance(cluster, dict) or not (cluster.get("worker") or cluster.get("chief")):
        raise StrategyError(f"TF_CONFIG has no cluster with workers: {raw!r}.\n"
                            + _TF_CONFIG_HELP)
    if not isinstance(task, dict) or "type" not in task or "index" not in task:
        raise StrategyError(f"TF_CONFIG has no task (type and index) for this process: "
                            f"{raw!r}.\n" + _TF_CONFIG_HELP)
    members = cluster.get(task["type"]) or []
    if not 0 <= int(task["index"]) < len(members):
        raise StrategyError(f"TF_CONFIG's task {task} is not in its cluster {cluster}.\n"
                            + _TF_CONFIG_HELP)
    return config


def _tpu_strategy(tpu):
    tpu = tpu or os.environ.get("TPU_NAME")
    if not tpu and os.path.exists("/dev/accel0"):
        tpu = "local"
    if not tpu:
        raise StrategyError(
            "strategy 'tpu' found no TPU: pass its name or address (--tpu=NAME, "
            "--tpu=grpc://HOST:8470, or --tpu=local on a TPU VM) or set TPU_NAME. On a machine "
            "without a TPU use --strategy=default or --strategy=mirrored.")
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu)
        if tpu != "local":
            tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError) as err:
        raise StrategyError(f"Could not connect to the TPU {tpu!r}: {type(err).__name__}: "
                            f"{str(err).strip().splitlines()[0] if str(err).strip() else ''}"
                            ) from err


def _reduce_scalars_without_axis(strategy):
    """Lets Keras 3 ``fit`` run under a multi-worker strategy.

    Keras 3 (3.15) reduces the per-replica scalar logs of every step with
    ``strategy.reduce("MEAN", value, axis=0)`` under a multi-worker strategy, which fails for
    scalars ("Invalid reduction dimension 0 for input with 0 dimensions", tensorflow/tensorflow
    issue 72388). On this strategy instance only, a reduction along axis 0 of scalars becomes
    the plain cross-replica mean (the replicas' batches have the same size, so it is the mean
    over the global batch).
    """
    reduce = strategy.reduce

    def reduce_scalars_without_axis(reduce_op, value, axis=None):
        if axis is not None and all(getattr(v, "shape", None) is not None and v.shape.rank == 0
                                    for v in getattr(value, "values", (value,))):
            axis = None
        return reduce(reduce_op, value, axis=axis)

    strategy.reduce = reduce_scalars_without_axis
    return strategy


def get_strategy(name="default", tpu=None):
    """Creates the ``tf.distribute`` strategy ``name``.

    Create it first thing in a program: a ``"multi_worker"`` strategy must exist before
    TensorFlow runs any op.

    Args:
        name: one of ``STRATEGIES``: ``"default"``, ``"mirrored"``, ``"multi_worker"``,
            ``"tpu"``; or a ``tf.distribute.Strategy``, returned as is.
        tpu: for ``"tpu"``: the TPU's name, ``grpc://`` address or ``"local"`` (default:
            ``$TPU_NAME``, or ``"local"`` when ``/dev/accel0`` exists).

    Returns:
        A ``tf.distribute.Strategy``.

    Raises:
        ValueError: for an unknown name.
        StrategyError: when the strategy cannot be created (no ``TF_CONFIG``, no TPU, ...).
    """
    if isinstance(name, tf.distribute.Strategy):
        return name
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy(local_devices())
    if name == "multi_worker":
        check_tf_config()
        try:
            return _reduce_scalars_without_axis(tf.distribute.MultiWorkerMirroredStrategy())
        except RuntimeError as err:
            raise StrategyError(
                f"Could not create the multi-worker strategy ({err}). It must be created "
                "before TensorFlow runs any op: call get_strategy('multi_worker') (or "
                "kp.train(strategy='multi_worker')) first thing in the program.") from err
    if name == "tpu":
        return _tpu_strategy(tpu)
    raise ValueError(f"Unknown strategy {name!r}. Valid strategies are: "
                     f"{', '.join(repr(s) for s in STRATEGIES)}.")


def task_of(strategy):
    """``(task_type, task_id)`` of this process in a multi-worker strategy, else
    ``(None, None)``."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or isinstance(strategy, tf.distribute.TPUStrategy):
        return None, None
    return getattr(resolver, "task_type", None), getattr(resolver, "task_id", None)


def is_chief(strategy):
    """Whether this process writes the workdir: always, except for the non-chief workers of a
    multi-worker run (the chief is task ``chief``, or worker 0 when there is none)."""
    task_type, task_id = task_of(strategy)
    if task_type is None:
        return True
    if task_type == "chief":
        return True
    cluster = strategy.cluster_resolver.cluster_spec().as_dict()
    return task_type == "worker" and int(task_id or 0) == 0 and "chief" not in cluster
