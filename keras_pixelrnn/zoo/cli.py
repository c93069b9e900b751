"""The command line: ``python -m keras_pixelrnn.zoo list | info NAME | export ...``."""

import os
import sys

from keras_pixelrnn.zoo.exporting import export_to_zoo
from keras_pixelrnn.zoo.registry import CARD_FILE, ENV_VAR, info, list_models


def main(argv=None):
    """``python -m keras_pixelrnn.zoo list | info NAME | export --workdir=DIR ...``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m keras_pixelrnn.zoo",
                                     description="Pretrained keras_pixelrnn models.")
    parser.add_argument("--root", default=None, help=f"zoo folder (default: ${ENV_VAR}, "
                        "then saved_models/ of the checkout)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="names of the models")
    show = commands.add_parser("info", help="versions and model card of a model")
    show.add_argument("name")
    export = commands.add_parser("export", help="put a trained workdir's model into the zoo")
    export.add_argument("--workdir", required=True)
    export.add_argument("--name", default=None)
    export.add_argument("--version", type=int, default=1)
    export.add_argument("--checkpoint", default="last")
    export.add_argument("--data_dir", default=None)
    export.add_argument("--notes", default=None, help="Markdown appended to the card")
    export.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            for name in list_models(args.root):
                print(name)
        elif args.command == "info":
            entry = info(args.name, args.root)
            print(f"{entry.name}: versions {', '.join(map(str, entry.versions))} in "
                  f"{entry.path}\n")
            print(entry.card_text() or "(no model card)")
        else:
            path = export_to_zoo(args.workdir, name=args.name, version=args.version,
                                 root=args.root, checkpoint=args.checkpoint,
                                 overwrite=args.overwrite, data_dir=args.data_dir,
                                 notes=args.notes)
            print(f"Exported {path}; model card: "
                  f"{os.path.join(os.path.dirname(path), CARD_FILE)}")
    except (ValueError, FileExistsError, FileNotFoundError) as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - CheckpointError and friends: say it, exit 1
        if type(err).__name__ in ("CheckpointError", "ConfigMismatchError",
                                  "DatasetUnavailableError"):
            print(f"Error: {err}", file=sys.stderr)
            return 1
        raise
    return 0
