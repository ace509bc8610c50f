#!/usr/bin/env bash
# Build llama-cpp-python's native libraries from a (trimmed) source tarball into DIR:
#   build_llama.sh SOURCE.tar.gz DIR [extra cmake arguments...]
# DIR/src is the source tree (its llama_cpp package goes on PYTHONPATH) and DIR/build/bin
# the libraries (LLAMA_CPP_LIB_PATH). It drives llama-cpp-python's own CMake project, as
# `pip install` would, but without pip: no wheel is zipped and unzipped (a CUDA libggml is
# hundreds of MB), and only the `llama` target and what it links are built, not the
# `common` library the bindings never load. The build folder is kept, so a build
# stopped by a time limit resumes where it was when this is run again.
# Same no-AMX flags as scripts/install.sh, for the same reason.
set -euo pipefail
source_tarball=$1
dir=$2
shift 2

if [[ ! -d "$dir/src" ]]; then
    mkdir -p "$dir"
    tar -xzf "$source_tarball" -C "$dir"
    mv "$dir"/llama_cpp_python-* "$dir/src"
    # So that importlib.metadata (`doctor` reports the version) sees an installed package.
    version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$dir/src/llama_cpp/__init__.py")
    mkdir -p "$dir/src/llama_cpp_python-$version.dist-info"
    printf 'Metadata-Version: 2.1\nName: llama_cpp_python\nVersion: %s\n' "$version" \
        >"$dir/src/llama_cpp_python-$version.dist-info/METADATA"
fi
flags="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
generator=()
if [[ ! -f "$dir/build/CMakeCache.txt" ]] && command -v ninja >/dev/null; then
    generator=(-G Ninja)
fi
# Configuring again is quick and makes a configure that was interrupted whole.
CFLAGS="$flags" CXXFLAGS="$flags" cmake -S "$dir/src" -B "$dir/build" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=Release -DLLAVA_BUILD=OFF "$@" >"$dir/configure.log"
cmake --build "$dir/build" --target llama -j "$(nproc)"
ls "$dir"/build/bin/lib*.so >/dev/null
