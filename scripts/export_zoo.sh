#!/usr/bin/env bash
# Writes the models trained by scripts/train_zoo.sh into the zoo (saved_models/ of this
# checkout, or $KERAS_PIXELRNN_ZOO): a SavedModel, model.keras and MODEL_CARD.md each, named
# after its workdir. Existing versions are replaced.
# Usage: bash scripts/export_zoo.sh [WORKDIR_ROOT=workdir_zoo]
set -euo pipefail
root="${1:-workdir_zoo}"
export TF_CPP_MIN_LOG_LEVEL=2
notes="Trained by scripts/train_zoo.sh with one TensorFlow thread per run \
(TF_NUM_INTRAOP_THREADS=1), while another training (and at times the test suite) shared the \
machine's 2 cores: wall times are those of a shared machine."
for workdir in "$root"/*/; do
  workdir="${workdir%/}"
  [ -f "$workdir/config.json" ] || continue
  python -m keras_pixelrnn.zoo export --workdir="$workdir" --name="$(basename "$workdir")" \
    --version=1 --overwrite --notes="$notes"
done
python -m keras_pixelrnn.zoo list
