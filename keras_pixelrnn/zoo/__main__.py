"""``python -m keras_pixelrnn.zoo list | info NAME | export --workdir=DIR ...``; see
:func:`keras_pixelrnn.zoo.cli.main`."""

import sys

from keras_pixelrnn.zoo.cli import main

if __name__ == "__main__":
    sys.exit(main())
