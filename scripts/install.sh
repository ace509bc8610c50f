#!/usr/bin/env bash
# Install tui-structurer into the current Python; `--test` adds what the tests need.
#
# llama-cpp-python is compiled here once and its wheel kept in the user cache. It is
# built without AMX instructions: some virtual machines report AMX but fault on it
# (a segfault in libggml-cpu at the first generation). Set CMAKE_ARGS as usual for a
# GPU build, e.g. CMAKE_ARGS="-DGGML_CUDA=on" scripts/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
llama_version=0.3.36
flags="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
build_id=$(printf '%s|%s' "$flags" "${CMAKE_ARGS:-}" | sha256sum | cut -c1-12)
wheels="${XDG_CACHE_HOME:-$HOME/.cache}/tui-structurer/wheels/llama-cpp-python-$llama_version-$build_id"

if ! compgen -G "$wheels/llama_cpp_python-$llama_version-*.whl" >/dev/null; then
    echo "Building llama-cpp-python $llama_version (a few minutes, only once)..."
    CFLAGS="$flags" CXXFLAGS="$flags" "$python" -m pip wheel --quiet --no-cache-dir \
        --no-deps --wheel-dir "$wheels" "llama-cpp-python==$llama_version"
fi

# Always take this wheel, even over a llama-cpp-python installed some other way.
"$python" -m pip install --quiet --no-deps --force-reinstall "$wheels"/llama_cpp_python-"$llama_version"-*.whl

target="."
if [[ "${1:-}" == "--test" ]]; then
    target=".[test]"
fi
"$python" -m pip install --quiet --find-links "$wheels" -e "$target"
