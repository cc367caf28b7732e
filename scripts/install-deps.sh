#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the build, tests, demo, fuzzers and the
# Debian package (scripts/package.sh, scripts/check-package.sh) need,
# only those missing (apt-get, with sudo when not root). The one script that
# installs anything: the README runs it before scripts/test.sh or
# scripts/demo.sh, and .ci/run runs it once first.
#   scripts/install-deps.sh          install what is missing
#   scripts/install-deps.sh --check  install nothing; list what is missing and fail if anything is
#                                    (test.sh, demo.sh and fuzz.sh run this, for a clear message)
set -euo pipefail
packages=(g++ cmake ninja-build pkg-config libcurl4-openssl-dev libssl-dev nlohmann-json3-dev
          libyaml-cpp-dev libcli11-dev libpugixml-dev libgtest-dev libgmock-dev libbenchmark-dev
          python3 ccache curl clang-14 libclang-rt-14-dev
          dpkg-dev file man-db)  # the Debian package: dpkg-shlibdeps, CPack's ELF check, man
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
((${#missing[@]})) || exit 0
if [ "${1:-}" = --check ]; then
  echo "missing packages: ${missing[*]}; run scripts/install-deps.sh first" >&2
  exit 1
fi
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "installing: ${missing[*]}" >&2
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
