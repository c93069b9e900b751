"""Pretrained models by name: ``kp.zoo.load("binarized_mnist_5k_diagonal_bilstm")``.

A zoo is a folder of models, one subfolder per name (``<dataset>_<family>``), laid out as TF
Serving's model base paths (TF Serving loads the integer version folders and ignores every
other file)::

    ROOT/<name>/MODEL_CARD.md             data, model, training, held-out NLL, how to reproduce
    ROOT/<name>/<version>/saved_model.pb  the SavedModel of kp.export.export_saved_model
    ROOT/<name>/<version>/variables/
    ROOT/<name>/<version>/assets/keras_pixelrnn.json   its metadata (kp.export.read_metadata)
    ROOT/<name>/<version>/model.keras     the Keras model, for the Python API

Roots are searched in this order: the ``root`` argument (alone, when given); else
``$KERAS_PIXELRNN_ZOO``, then ``saved_models/`` of this checkout (a name found in an earlier
root hides the same name in a later one).

``load`` needs only Keras (any backend); ``load_saved_model`` and ``export_to_zoo`` need
TensorFlow. Make a zoo entry from a training workdir with::

    python -m keras_pixelrnn.zoo export --workdir=WORKDIR [--name=NAME] [--version=1]

or ``kp.zoo.export_to_zoo(WORKDIR)``.
"""

from keras_pixelrnn.zoo.card import hardware_description, model_card, train_flags
from keras_pixelrnn.zoo.cli import main
from keras_pixelrnn.zoo.exporting import default_name, export_to_zoo
from keras_pixelrnn.zoo.references import FAMILY_NAMES, REFERENCES
from keras_pixelrnn.zoo.registry import (CARD_FILE, CHECKOUT_ROOT, ENV_VAR, MODEL_FILE,
                                         ModelInfo, add_model, info, list_models, load,
                                         load_saved_model, model_path, roots)

__all__ = ["CARD_FILE", "CHECKOUT_ROOT", "ENV_VAR", "FAMILY_NAMES", "MODEL_FILE", "ModelInfo",
           "REFERENCES", "add_model", "default_name", "export_to_zoo", "hardware_description",
           "info", "list_models", "load", "load_saved_model", "main", "model_card",
           "model_path", "roots", "train_flags"]
