"""Finding, listing, loading and writing zoo entries: ``ROOT/<name>/<version>/``."""

import dataclasses
import json
import os
import re

import keras

ENV_VAR = "KERAS_PIXELRNN_ZOO"
CARD_FILE = "MODEL_CARD.md"
MODEL_FILE = "model.keras"
_CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECKOUT_ROOT = os.path.join(_CHECKOUT, "saved_models")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclasses.dataclass(frozen=True)
class ModelInfo:
    """What the zoo holds under one name.

    Attributes:
        name: the model's name.
        path: its folder (TF Serving's model base path).
        versions: integer versions holding ``model.keras``, ascending.
        card: path of ``MODEL_CARD.md`` (``None`` when there is none).
        metadata: the metadata of the latest version's SavedModel (``image_shape``,
            ``num_levels``, ``family``, ``num_parameters``, signatures, ...); ``None`` when
            that version holds no SavedModel.
    """

    name: str
    path: str
    versions: tuple
    card: str
    metadata: dict

    @property
    def latest(self):
        return self.versions[-1]

    def version_path(self, version=None):
        """The folder of ``version`` (default: the latest)."""
        return os.path.join(self.path, str(self.latest if version is None else version))

    def card_text(self):
        """The model card (Markdown), or ``""``."""
        if not self.card:
            return ""
        with open(self.card) as f:
            return f.read()


# ----------------------------------------------------------------------------- finding


def roots(root=None):
    """The zoo folders searched, in order: ``[root]`` when given, else
    ``$KERAS_PIXELRNN_ZOO`` (when set) and this checkout's ``saved_models/``."""
    if root is not None:
        return [os.fspath(root)]
    found = []
    if os.environ.get(ENV_VAR):
        found.append(os.environ[ENV_VAR])
    found.append(CHECKOUT_ROOT)
    return found


def _versions(folder):
    """Integer version folders of a model folder that hold ``model.keras``, ascending."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return ()
    return tuple(sorted(int(e) for e in entries if e.isdigit()
                        and os.path.isfile(os.path.join(folder, e, MODEL_FILE))))


def _index(root=None):
    """``{name: folder}`` of every model of the searched roots (earlier roots win)."""
    index = {}
    for folder in roots(root):
        try:
            entries = sorted(os.listdir(folder))
        except OSError:
            continue
        for entry in entries:
            path = os.path.join(folder, entry)
            if entry not in index and _NAME.match(entry) and _versions(path):
                index[entry] = path
    return index


def list_models(root=None):
    """Names of the models available (folders with an integer version holding
    ``model.keras``), sorted.

    Example:
    >>> kp.zoo.list_models()
    ['binarized_mnist_5k_diagonal_bilstm', 'digits_pixel_cnn', ...]
    """
    return sorted(_index(root))


def _how_to_add():
    return ("Make one from a training workdir with kp.zoo.export_to_zoo(WORKDIR) or "
            "`python -m keras_pixelrnn.zoo export --workdir=WORKDIR` (train it with "
            "`python -m keras_pixelrnn train --workdir=WORKDIR ...`).")


def info(name, root=None):
    """A :class:`ModelInfo`: versions, model card and SavedModel metadata of ``name``.

    Raises:
        ValueError: for a name the zoo does not hold (the message lists those it holds).
    """
    index = _index(root)
    if not isinstance(name, str) or name not in index:
        available = ", ".join(repr(n) for n in sorted(index)) or "none"
        raise ValueError(f"No model {name!r} in the zoo ({', '.join(roots(root))}). Available "
                         f"models: {available}. {_how_to_add()}")
    path = index[name]
    versions = _versions(path)
    card = os.path.join(path, CARD_FILE)
    return ModelInfo(name=name, path=path, versions=versions,
                     card=card if os.path.isfile(card) else None,
                     metadata=_metadata(os.path.join(path, str(versions[-1]))))


def _metadata(version_dir):
    from keras_pixelrnn.export import METADATA_FILE

    try:
        with open(os.path.join(version_dir, "assets", METADATA_FILE)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def model_path(name, version=None, root=None):
    """The version folder of ``name`` (default: its latest version).

    Raises:
        ValueError: for an unknown name or version.
    """
    entry = info(name, root)
    if version is None:
        return entry.version_path()
    if isinstance(version, bool) or not isinstance(version, int) or \
            version not in entry.versions:
        raise ValueError(f"Model {name!r} has no version {version!r}; its versions are "
                         f"{', '.join(str(v) for v in entry.versions)} (in {entry.path}).")
    return entry.version_path(version)


# ----------------------------------------------------------------------------- loading


def load(name, version=None, root=None):
    """The Keras model ``name`` of the zoo (uncompiled), for ``kp.log_prob``,
    ``kp.sampling.sample``/``complete`` or further training (``model.compile(...)``).

    Args:
        name: a name from :func:`list_models`, e.g. ``"binarized_mnist_5k_diagonal_bilstm"``.
        version: an integer version (default: the latest).
        root: a zoo folder (default: ``$KERAS_PIXELRNN_ZOO``, then ``saved_models/``).

    Raises:
        ValueError: for an unknown name or version, or an unreadable ``model.keras``.

    Example:
    >>> model = kp.zoo.load("binarized_mnist_5k_diagonal_bilstm")
    """
    file = os.path.join(model_path(name, version, root), MODEL_FILE)
    try:
        return keras.saving.load_model(file, compile=False)
    except Exception as err:  # noqa: BLE001 - any failure: a bad file; say which.
        reason = (str(err).strip().splitlines() or [""])[0][:300]
        raise ValueError(f"Could not load {file}: it is corrupt or not a keras_pixelrnn model "
                         f"({type(err).__name__}: {reason}). Export it again with "
                         "kp.zoo.export_to_zoo(WORKDIR, overwrite=True).") from err


def load_saved_model(name, version=None, root=None):
    """``tf.saved_model.load`` of the SavedModel of ``name`` (default: latest version): its
    ``.signatures`` are those TF Serving serves (``log_prob``, ``sample``, ``complete``, ...;
    see :mod:`keras_pixelrnn.export`)."""
    import tensorflow as tf

    path = model_path(name, version, root)
    if not os.path.isfile(os.path.join(path, "saved_model.pb")):
        raise ValueError(f"{path} holds no SavedModel (saved_model.pb). {_how_to_add()}")
    return tf.saved_model.load(path)


# ----------------------------------------------------------------------------- writing


def _write_root(root):
    if root is not None:
        return os.fspath(root)
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    if os.path.isfile(os.path.join(_CHECKOUT, "setup.cfg")):
        return CHECKOUT_ROOT
    raise ValueError(f"Where should the model go? Pass root=FOLDER or set ${ENV_VAR} "
                     "(keras_pixelrnn is not running from a checkout with saved_models/).")


def _check_name(name):
    if not isinstance(name, str) or not _NAME.match(name) or name.isdigit():
        raise ValueError(f"A zoo name must be a folder name of letters, digits, '_', '.', "
                         f"'-' (not a number), e.g. 'digits_pixel_cnn'; got {name!r}.")


def _check_version(version):
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"version must be a positive integer (TF Serving's version folder), "
                         f"got {version!r}.")


def add_model(model, name, version=1, root=None, card=None, overwrite=False, **export_kwargs):
    """Writes ``model`` into the zoo: ``<name>/<version>/`` (SavedModel and ``model.keras``)
    and, when ``card`` (Markdown text) is given, ``<name>/MODEL_CARD.md``.

    Most models should come from a training workdir with :func:`export_to_zoo`, whose card
    says how the model was made; this is the step it ends with.

    Args:
        model: a model from :mod:`keras_pixelrnn.models`.
        name, version, root: where it goes (``root`` default: ``$KERAS_PIXELRNN_ZOO``, else
            ``saved_models/`` of this checkout).
        card: the model card's text, or ``None`` to leave the card as it is.
        overwrite: replace an existing version.
        **export_kwargs: passed to :func:`kp.export.export_saved_model` (``max_samples``, ...).

    Returns:
        The version folder.
    """
    from keras_pixelrnn.export import export_saved_model

    _check_name(name)
    _check_version(version)
    folder = os.path.join(_write_root(root), name)
    target = os.path.join(folder, str(version))
    _check_free(target, overwrite)
    path = export_saved_model(model, folder, version=version, overwrite=overwrite,
                              **export_kwargs)
    tmp = os.path.join(path, ".tmp-" + MODEL_FILE)
    _saved_copy(model).save(tmp)
    os.replace(tmp, os.path.join(path, MODEL_FILE))
    if card is not None:
        with open(os.path.join(folder, CARD_FILE + ".tmp"), "w") as f:
            f.write(card)
        os.replace(os.path.join(folder, CARD_FILE + ".tmp"), os.path.join(folder, CARD_FILE))
    return path


def _check_free(target, overwrite):
    if os.path.isdir(target) and os.listdir(target) and not overwrite:
        raise FileExistsError(f"{target} already exists; pass overwrite=True to replace it, or "
                              "export a new version.")


def _saved_copy(model):
    """The model without its optimizer (a zoo file holds the weights, not training state)."""
    if getattr(model, "optimizer", None) is None:
        return model
    clone = type(model).from_config(model.get_config())
    clone.set_weights(model.get_weights())
    return clone
