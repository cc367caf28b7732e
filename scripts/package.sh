#!/usr/bin/env bash
# Build the Debian package adjust_<version>_<arch>.deb with CPack (cmake/packaging.cmake)
# and print its path on stdout (everything else goes to stderr).
#   scripts/package.sh [BUILD_DIR]    default: build
# A build directory that exists is reused as it is configured (CI packages its plain
# test build); a new one is configured with the defaults, so that scripts/test.sh can
# use it later. Either way only what the package holds is built: the adjust binary and
# the man page, never the tests or benchmarks. Needs dpkg-dev
# (dpkg-shlibdeps computes Depends) and file; scripts/install-deps.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
for tool in cmake cpack dpkg-shlibdeps file gzip; do
  command -v "$tool" >/dev/null || {
    echo "package.sh: $tool not found; run scripts/install-deps.sh first" >&2
    exit 1
  }
done
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
# Sanitizer and fuzz builds are for finding bugs: never ship one.
for option in ADJUST_SANITIZE ADJUST_FUZZ; do
  if grep -qE "^$option:BOOL=(ON|TRUE|1|YES)$" "$build_dir/CMakeCache.txt"; then
    echo "package.sh: $build_dir is configured with $option=ON; package a plain build" >&2
    exit 1
  fi
done
# (Building also re-runs CMake when a CMake file changed, so CPackConfig.cmake is current.)
cmake --build "$build_dir" --target adjust adjust_man >&2
# CPack writes the package into the build directory; its staging tree goes under
# _CPack_Packages/ there.
rm -f "$build_dir"/adjust_*.deb
(cd "$build_dir" && cpack -G DEB >&2)
shopt -s nullglob
debs=("$build_dir"/adjust_*.deb)
if [ "${#debs[@]}" -ne 1 ]; then
  echo "package.sh: expected one adjust_*.deb in $build_dir, found ${#debs[@]}" >&2
  exit 1
fi
realpath "${debs[0]}"
