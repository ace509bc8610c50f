#!/usr/bin/env bash
# Fill .gpu-carry/ (git-ignored) with what benchmarks/gpu/check.sh needs on a machine
# that has no network: a trimmed llama-cpp-python source tree, Llama 3's tokenizer and
# the Python wheels the device image lacks. Run it here, on any machine with pip; the
# device tool's `run` then carries the folder (its limit is 64 MiB a call).
#
#   benchmarks/gpu/prepare.sh                  fill the folder, print its size
#   benchmarks/gpu/prepare.sh --build-check    also build the trimmed tree for the CPU
#                                               here (about 10 minutes on two cores)
set -euo pipefail
cd "$(dirname "$0")/../.."

version=0.3.36
carry=.gpu-carry
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tui-structurer/sdist"
sdist="$cache/llama_cpp_python-$version.tar.gz"
trimmed="$carry/llama-cpp-python-$version-trimmed.tar.gz"

mkdir -p "$cache" "$carry/wheels"
if [[ ! -f "$sdist" ]]; then
    python3 -m pip download --quiet --no-deps --no-binary :all: \
        "llama-cpp-python==$version" -d "$cache"
fi

# The sdist is 76 MB, over the carry limit; three quarters of it are the tokenizer test
# vocabularies, docs, tools and backends for other hardware, none of which a CUDA or CPU
# build of the Python bindings compiles. Kept: the bindings, llama.cpp's library sources,
# its vendored headers (common and mtmd reference them at configure time), and the CPU
# and CUDA backends.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$sdist" -C "$work"
root="$work/llama_cpp_python-$version"
llama="$root/vendor/llama.cpp"
cp "$llama/models/ggml-vocab-llama-bpe.gguf" "$carry/"  # Llama 3's own tokenizer
rm -rf "$root"/{.git,.github,docs,examples,tests,docker}
find "$llama" -mindepth 1 -maxdepth 1 \
    -not -name CMakeLists.txt -not -name cmake -not -name common -not -name ggml \
    -not -name include -not -name src -not -name vendor -not -name tools \
    -not -name licenses -not -name LICENSE -exec rm -rf {} +
find "$llama/tools" -mindepth 1 -maxdepth 1 -not -name mtmd -exec rm -rf {} +
find "$llama/ggml/src" -mindepth 1 -maxdepth 1 -type d \
    -not -name ggml-cpu -not -name ggml-cuda -exec rm -rf {} +
tar -czf "$trimmed" -C "$work" "llama_cpp_python-$version"

# Wheels for the device image's Python 3.12 (it has numpy, jinja2, pyyaml, tqdm, rich,
# nvidia-ml-py, cmake, ninja and scikit-build-core already): llama-cpp-python's and this
# project's other runtime needs, and gguf for writing the test model. Versions are the
# ones installed here, so the device runs what the tests here ran.
rm -f "$carry"/wheels/*.whl
pins=()
for name in gguf platformdirs rapidfuzz watchdog diskcache; do
    pins+=("$name==$(python3 -m pip show "$name" | sed -n 's/^Version: //p')")
done
python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --platform manylinux1_x86_64 -d "$carry/wheels" "${pins[@]}"

# Longer transcripts than examples/eval for the speed step, where the team's shared
# development set sits beside the checkout.
rm -rf "$carry/transcripts"
if [[ -d ../shared/devset ]]; then
    mkdir -p "$carry/transcripts"
    find ../shared/devset -name '*.txt' -not -name '*.gold.txt' -exec cp {} "$carry/transcripts/" \;
fi

if [[ "${1:-}" == "--build-check" ]]; then
    build="${XDG_CACHE_HOME:-$HOME/.cache}/tui-structurer/trimmed-cpu-build"
    /usr/bin/time -f "trimmed source, CPU build: %e s" \
        nice -n 10 benchmarks/gpu/build_llama.sh "$trimmed" "$build"
fi

for item in "$carry"/* "$carry"/wheels/*; do du -sh "$item"; done
echo "carry folder: $(du -sb "$carry" | cut -f1) bytes (the device tool's limit: 67108864)"
