"""``python -m keras_pixelrnn train|evaluate|sample|complete ...`` (see keras_pixelrnn.cli)."""

from absl import flags

from keras_pixelrnn import cli

__doc__ = cli.__doc__  # absl prints the main module's docstring as the usage text.
flags.adopt_module_key_flags(cli)  # --help lists the command line's flags.

if __name__ == "__main__":
    cli.run()
