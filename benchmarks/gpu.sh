#!/usr/bin/env bash
# Runs the GPU benchmark (benchmarks/gpu.py) on the workplace's GPU machine, which has JAX but
# neither TensorFlow nor Keras. Prepare the Keras wheels here once (repo root):
#
#   echo /.whl/ >> .git/info/exclude
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#       --implementation cp --platform manylinux2014_x86_64 -d .whl keras namex optree
#
# then call the device tool's `run` with carry=[".whl"] and the command
#   bash benchmarks/gpu.sh
# and copy $OUT/RESULTS_gpu.md and $OUT/results_gpu.json into benchmarks/.
set -euo pipefail
if [ -d .whl ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
      --target /tmp/site .whl/*.whl
  export PYTHONPATH=/tmp/site:$PWD
fi
export KERAS_BACKEND=jax PYTHONUNBUFFERED=1
python3 -m benchmarks.gpu --out "${OUT:-benchmarks}"
