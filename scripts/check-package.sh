#!/usr/bin/env bash
# Install the Debian package scripts/package.sh built, check what it installed, and
# remove it again. CI runs it as root after scripts/package.sh; elsewhere it uses sudo.
#   scripts/check-package.sh build/adjust_<version>_<arch>.deb
# Checks: the control fields (name, version = project(), Depends computed and naming
# libcurl), the files in the package, `dpkg -i` (apt-get installs missing dependencies),
# the installed binary (stripped; --version and --info print the project version),
# the man page (gzip -9n, renders with no groff warning, found by `man -w adjust`), the
# docs and the copyright file, then `dpkg -r` takes every file away again.
# Any failed check ends the script non-zero, naming it; the package is removed then too.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "check-package: FAILED: $*" >&2
  exit 1
}
step() { echo "check-package: $*" >&2; }

[ $# -eq 1 ] || { echo "usage: scripts/check-package.sh DEB" >&2; exit 2; }
deb=$(realpath "$1")
[ -f "$deb" ] || fail "$1: no such file"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
for tool in dpkg dpkg-deb file gzip man; do
  command -v "$tool" >/dev/null || fail "$tool not found; run scripts/install-deps.sh first"
done

version=$(sed -nE 's/^project\(adjust VERSION ([^ )]+).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || fail "no version in CMakeLists.txt's project()"

# --- The package as a file: control fields and contents.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = adjust ] || fail "Package is '$(field Package)', not adjust"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not $version (CMakeLists.txt)"
arch=$(field Architecture)
[ "$(basename "$deb")" = "adjust_${version}_${arch}.deb" ] ||
  fail "file name $(basename "$deb") is not adjust_${version}_${arch}.deb"
depends=$(field Depends)
[ -n "$depends" ] || fail "Depends is empty: dpkg-shlibdeps did not run"
[[ "$depends" == *libcurl* ]] || fail "Depends does not name libcurl: $depends"
[ "$(field Section)" = utils ] || fail "Section is '$(field Section)', not utils"
step "$(basename "$deb"): $(stat -c %s "$deb") bytes; Depends: $depends"

expected_files=(
  /usr/bin/adjust
  /usr/share/man/man1/adjust.1.gz
  /usr/share/doc/adjust/README.md
  /usr/share/doc/adjust/copyright
  /usr/share/doc/adjust/changelog.gz
  /usr/share/doc/adjust/examples/config.yaml.example
)
contents=$(dpkg-deb -c "$deb")
for path in "${expected_files[@]}"; do
  grep -qE " \.${path//./\\.}\$" <<<"$contents" || fail "$path is not in the package"
done
# Root-owned, and nothing but the expected files and their directories.
if grep -vqE '^[-d]r[-w][-x]r-[-x]r-[-x] root/root ' <<<"$contents"; then
  fail "files not owned by root or with odd modes: $(grep -vE '^[-d]r[-w][-x]r-[-x]r-[-x] root/root ' <<<"$contents")"
fi
unexpected=$(awk '$1 !~ /^d/ {print $NF}' <<<"$contents" | sed 's|^\.||' |
  grep -vxF "$(printf '%s\n' "${expected_files[@]}")" || true)
[ -z "$unexpected" ] || fail "unexpected files in the package: $unexpected"

# --- Installed.
installed=0
cleanup() {
  if [ "$installed" = 1 ]; then
    step "removing adjust after the failure"
    "${sudo_cmd[@]}" dpkg -r adjust >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
# A system whose dpkg skips docs or man pages (as slim container images are set up)
# cannot show that they install.
if excluded=$(grep -hsE '^\s*path-exclude.*/usr/share/(man|doc)' /etc/dpkg/dpkg.cfg.d/* 2>/dev/null); then
  fail "this system's dpkg is configured to skip docs or man pages ($excluded in /etc/dpkg/dpkg.cfg.d)"
fi
step "installing with dpkg -i"
installed=1
if ! "${sudo_cmd[@]}" dpkg -i "$deb" >&2; then
  step "dpkg -i failed (missing dependencies?); installing with apt-get"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$deb" >&2 ||
    fail "the package does not install"
fi
[ "$(dpkg-query -W -f='${db:Status-Status}' adjust)" = installed ] || fail "dpkg does not list adjust as installed"
for path in "${expected_files[@]}"; do
  [ -f "$path" ] || fail "$path was not installed"
done

[ -x /usr/bin/adjust ] || fail "/usr/bin/adjust is not executable"
file_says=$(file -b /usr/bin/adjust)
[[ "$file_says" == *ELF* && "$file_says" == *", stripped"* ]] || fail "/usr/bin/adjust is not a stripped ELF file: $file_says"
said=$(/usr/bin/adjust --version) || fail "/usr/bin/adjust --version exited non-zero"
[ "$said" = "adjust $version" ] || fail "/usr/bin/adjust --version printed '$said', not 'adjust $version'"
info=$(/usr/bin/adjust --info </dev/null) || fail "/usr/bin/adjust --info exited non-zero"
[[ "$info" == *"\"version\":\"$version\""* || "$info" == *"\"version\": \"$version\""* ]] ||
  fail "/usr/bin/adjust --info printed '$info', without version $version"
step "/usr/bin/adjust --version: $said"

page=/usr/share/man/man1/adjust.1.gz
gzip -t "$page" || fail "$page is not a valid gzip file"
# gzip -n: no file name (flag bit 3) and no time stamp in the header.
flags=$(od -An -tu1 -j3 -N1 "$page" | tr -d ' ')
mtime=$(od -An -tu4 -j4 -N4 "$page" | tr -d ' ')
{ [ $((flags & 8)) -eq 0 ] && [ "$mtime" -eq 0 ]; } || fail "$page was not compressed with gzip -n"
zgrep -q "^\.TH ADJUST 1 .*\"adjust $version\"" "$page" || fail "$page's title line does not say adjust $version"
warnings=$(mktemp)
trap 'rm -f "$warnings"; cleanup' EXIT
rendered=$(MANWIDTH=80 MAN_DISABLE_SECCOMP=1 man --warnings -P cat -l "$page" 2>"$warnings") ||
  fail "man -l $page failed: $(cat "$warnings")"
[ ! -s "$warnings" ] || fail "man -l $page warns: $(cat "$warnings")"
for section in NAME SYNOPSIS DESCRIPTION 'EXIT STATUS' ENVIRONMENT FILES 'SEE ALSO'; do
  grep -qx "$section" <<<"$rendered" || fail "the man page has no $section section"
done
[ "$(man -w adjust)" = "$page" ] || fail "man -w adjust finds '$(man -w adjust)', not $page"
step "man page: $(wc -l <<<"$rendered") lines at 80 columns, no warnings"

# --- Removed.
step "removing with dpkg -r"
"${sudo_cmd[@]}" dpkg -r adjust >&2 || fail "dpkg -r adjust failed"
installed=0
for path in "${expected_files[@]}"; do
  [ ! -e "$path" ] || fail "$path is still there after dpkg -r"
done
status=$(dpkg-query -W -f='${db:Status-Status}' adjust 2>/dev/null || true)
[ "$status" != installed ] || fail "dpkg still lists adjust as installed"
step "ok: $(basename "$deb") installs, works and removes cleanly"
