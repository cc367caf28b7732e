#!/usr/bin/env bash
# Build the container image (Dockerfile: servo core + adjust) and smoke-test it.
#
#   scripts/build-image.sh [options]
#
# Engine: docker when a daemon answers (`docker info`), else podman, else buildah
# (--engine chooses). None: --install-engine apt-get installs buildah; at a terminal the
# script asks; otherwise it fails with the command to run.
# Daemonless engines (podman, buildah) run RUN steps with --isolation chroot by default:
# it needs no cgroups, no OCI runtime and no container network, so it works inside CI
# containers and sandboxes where crun/runc cannot start a container.
#
# Base images: debian:bookworm and debian:bookworm-slim, pulled when they are not
# local. When they cannot be pulled (no registry reachable), or with
# --base-from-debootstrap, both are made from Debian's packages: debootstrap
# --variant=minbase bookworm from the Debian mirror this machine's apt uses (or
# --mirror), imported as localhost/debian:bookworm, then trimmed as Debian's slim
# image is (no docs, man pages or locales) as localhost/debian:bookworm-slim. apt inside
# both uses that same mirror. Once made they are reused (--rebuild-base makes them anew).
#
# Source: the working tree as it is (like `docker build .`, less build*/ and .git), or
# with --ref REF the files of a commit (`git archive`). Either is staged in WORK_DIR/context
# with servo core from --servo-file (checked against the SHA-256 the Dockerfile pins).
#
# After the build: the smoke test runs `/servo/adjust --info` (must print the JSON info
# line) and the image's entrypoint with --help (servo core's usage, exit 0) in the image,
# then prints the build time and the image size.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  cat <<'EOF'
usage: scripts/build-image.sh [options]
  --tag NAME               image name (default: adjust:<project version>)
  --servo-file PATH        servo core from this file instead of downloading the pinned
                           commit's (it must match the SHA-256 pinned in the Dockerfile)
  --base-from-debootstrap  make the base images with debootstrap even if they could be pulled
  --rebuild-base           make the debootstrap base images anew even if they exist
  --mirror URL             Debian mirror for debootstrap and apt in the image
                           (default: the one this machine's apt uses)
  --security-mirror URL    Debian security mirror (default: this machine's, else deb.debian.org)
  --engine NAME            docker, podman or buildah (default: the first that works)
  --install-engine         apt-get install buildah (and debootstrap) when missing, without asking
  --isolation MODE         podman/buildah RUN isolation: chroot (default) or oci
  --storage-driver NAME    podman/buildah storage driver (e.g. vfs where overlay cannot
                           mount), with a store of its own in WORK_DIR/storage-NAME
  --engine-arg ARG         one more argument for the build command (repeatable),
                           e.g. --engine-arg=--network=host
  --ref REF                build the files of git commit REF instead of the working tree
  --no-tests               do not build and run the unit tests in the build stage
  --jobs N                 compile jobs inside the build (default 2)
  --work-dir DIR           staging area: context, rootfs (default: $TMPDIR/adjust-image)
  --no-smoke               skip the smoke test
  --smoke-only             no build: smoke-test the image --tag names, as it is
  -h, --help               this text
EOF
}

die() { echo "build-image: $*" >&2; exit 1; }
say() { echo "build-image: $*" >&2; }

TAG=""
SERVO_FILE=""
FORCE_DEBOOTSTRAP=0
REBUILD_BASE=0
MIRROR=""
SECURITY_MIRROR=""
ENGINE=""
INSTALL_ENGINE=0
ISOLATION=chroot
STORAGE_DRIVER=""
ENGINE_ARGS=()
REF=""
UNIT_TESTS=ON
JOBS=2
WORK_DIR="${TMPDIR:-/tmp}/adjust-image"
SMOKE=1
BUILD_IMAGE=1

need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) need_value "$@"; TAG=$2; shift 2 ;;
    --servo-file) need_value "$@"; SERVO_FILE=$2; shift 2 ;;
    --base-from-debootstrap) FORCE_DEBOOTSTRAP=1; shift ;;
    --rebuild-base) REBUILD_BASE=1; FORCE_DEBOOTSTRAP=1; shift ;;
    --mirror) need_value "$@"; MIRROR=${2%/}; shift 2 ;;
    --security-mirror) need_value "$@"; SECURITY_MIRROR=${2%/}; shift 2 ;;
    --engine) need_value "$@"; ENGINE=$2; shift 2 ;;
    --install-engine) INSTALL_ENGINE=1; shift ;;
    --isolation) need_value "$@"; ISOLATION=$2; shift 2 ;;
    --storage-driver) need_value "$@"; STORAGE_DRIVER=$2; shift 2 ;;
    --engine-arg) need_value "$@"; ENGINE_ARGS+=("$2"); shift 2 ;;
    --engine-arg=*) ENGINE_ARGS+=("${1#--engine-arg=}"); shift ;;
    --ref) need_value "$@"; REF=$2; shift 2 ;;
    --no-tests) UNIT_TESTS=OFF; shift ;;
    --jobs) need_value "$@"; JOBS=$2; shift 2 ;;
    --work-dir) need_value "$@"; WORK_DIR=$2; shift 2 ;;
    --no-smoke) SMOKE=0; shift ;;
    --smoke-only) BUILD_IMAGE=0; SMOKE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "--jobs must be a positive number, not '$JOBS'"
case "$ISOLATION" in chroot|oci) ;; *) die "--isolation must be chroot or oci, not '$ISOLATION'" ;; esac

VERSION=$(sed -n 's/^project(adjust VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
[[ -n "$TAG" ]] || TAG="adjust:${VERSION:-latest}"
# What the Dockerfile pins (the file is the one place that says it).
PINNED_COMMIT=$(sed -n 's/^ARG SERVO_COMMIT=//p' "$ROOT/Dockerfile")
PINNED_SHA256=$(sed -n 's/^ARG SERVO_SHA256=//p' "$ROOT/Dockerfile")
# A wrong servo core file fails now, not after the base images and the build.
if [[ -n "$SERVO_FILE" ]]; then
  [[ -f "$SERVO_FILE" ]] || die "--servo-file: no file $SERVO_FILE"
  got=$(sha256sum "$SERVO_FILE" | cut -d' ' -f1)
  [[ "$got" == "$PINNED_SHA256" ]] \
    || die "--servo-file $SERVO_FILE: SHA-256 $got, but the Dockerfile pins $PINNED_SHA256 (servo commit $PINNED_COMMIT)"
fi

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "needs root for: $*"
  fi
}

# Install Debian packages, asking first unless --install-engine; without a terminal to
# ask at, fail with the command to run.
offer_install() {
  local why=$1; shift
  local cmd="apt-get update && apt-get install -y $*"
  [[ $EUID -eq 0 ]] || cmd="sudo sh -c '$cmd'"
  if [[ $INSTALL_ENGINE -eq 0 ]]; then
    if [[ -t 0 ]]; then
      local answer
      read -r -p "build-image: $why. Install with: $cmd ? [y/N] " answer
      [[ "$answer" == [yY]* ]] || die "$why; install it with: $cmd"
    else
      die "$why; install it with: $cmd   (or rerun with --install-engine)"
    fi
  fi
  say "installing: $*"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# --- The engine -----------------------------------------------------------------------
if [[ -z "$ENGINE" ]]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then ENGINE=docker
  elif command -v podman >/dev/null; then ENGINE=podman
  elif command -v buildah >/dev/null; then ENGINE=buildah
  else
    if command -v docker >/dev/null; then why="no container engine: docker has no daemon answering and neither podman nor buildah is installed"
    else why="no container engine: none of docker, podman, buildah is installed"; fi
    offer_install "$why" buildah
    ENGINE=buildah
  fi
fi
case "$ENGINE" in
  docker) docker info >/dev/null 2>&1 || die "docker: no daemon answers (docker info failed); try --engine podman or --engine buildah" ;;
  podman|buildah) command -v "$ENGINE" >/dev/null || offer_install "$ENGINE is not installed" "$ENGINE" ;;
  *) die "--engine must be docker, podman or buildah, not '$ENGINE'" ;;
esac
GLOBAL=()
if [[ -n "$STORAGE_DRIVER" ]]; then
  [[ "$ENGINE" != docker ]] || die "--storage-driver is for podman and buildah (docker's is the daemon's setting)"
  # A store of its own: an existing store made with another driver refuses to open.
  GLOBAL=(--storage-driver "$STORAGE_DRIVER" --root "$WORK_DIR/storage-$STORAGE_DRIVER"
          --runroot "$WORK_DIR/run-$STORAGE_DRIVER")
fi
eng() { "$ENGINE" "${GLOBAL[@]}" "$@"; }
say "engine: $ENGINE ($("$ENGINE" --version 2>/dev/null | head -n1))"

image_exists() {
  case "$ENGINE" in
    docker) docker image inspect "$1" >/dev/null 2>&1 ;;
    podman) eng image exists "$1" ;;
    buildah) eng inspect --type image "$1" >/dev/null 2>&1 ;;
  esac
}

# --- Base images ------------------------------------------------------------------------
# Docker resolves debian:... on Docker Hub; podman and buildah get the full name so
# short-name resolution can neither ask nor pick another registry.
if [[ "$ENGINE" == docker ]]; then
  BASE=debian:bookworm; RUNTIME_BASE=debian:bookworm-slim
else
  BASE=docker.io/library/debian:bookworm; RUNTIME_BASE=docker.io/library/debian:bookworm-slim
fi
LOCAL_BASE=localhost/debian:bookworm
LOCAL_RUNTIME_BASE=localhost/debian:bookworm-slim

# The first URI of this machine's apt sources that ends in /debian (or /debian-security).
host_mirror() {
  local suffix=$1 f
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r "$f" ]] || continue
    awk -v suffix="$suffix" '
      /^[ \t]*#/ { next }
      /^URIs:/ { for (i = 2; i <= NF; i++) print $i }
      /^deb[ \t]/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }
    ' "$f" | sed 's#/*$##' | grep -E "/${suffix}\$" | head -n1
  done | head -n1
}

pull_or_fallback() {
  local img out
  for img in "$BASE" "$RUNTIME_BASE"; do
    image_exists "$img" && continue
    say "pulling $img"
    if ! out=$(timeout 300 "$ENGINE" "${GLOBAL[@]}" pull "$img" 2>&1); then
      say "cannot pull $img:"
      printf '%s\n' "$out" | tail -n 3 | sed 's/^/    /' >&2
      return 1
    fi
  done
}

import_rootfs() {  # DIR NAME
  local dir=$1 name=$2
  case "$ENGINE" in
    docker|podman)
      tar -C "$dir" --numeric-owner -c . | eng import --change 'CMD ["bash"]' - "$name" >/dev/null ;;
    buildah)
      tar -C "$dir" --numeric-owner -cf "$WORK_DIR/rootfs.tar" .
      local ctr
      ctr=$(eng from --name adjust-rootfs-import scratch)
      eng add "$ctr" "$WORK_DIR/rootfs.tar" / >/dev/null
      eng config --cmd bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
      eng commit --rm "$ctr" "$name" >/dev/null
      rm -f "$WORK_DIR/rootfs.tar" ;;
  esac
}

make_debootstrap_bases() {
  if [[ $REBUILD_BASE -eq 0 ]] && image_exists "$LOCAL_BASE" && image_exists "$LOCAL_RUNTIME_BASE"; then
    say "base images: $LOCAL_BASE and $LOCAL_RUNTIME_BASE (made earlier with debootstrap; --rebuild-base makes them anew)"
    return
  fi
  command -v debootstrap >/dev/null || offer_install "debootstrap is not installed (it makes the base images)" debootstrap
  [[ -n "$MIRROR" ]] || MIRROR=$(host_mirror debian)
  [[ -n "$MIRROR" ]] || MIRROR=http://deb.debian.org/debian
  [[ -n "$SECURITY_MIRROR" ]] || SECURITY_MIRROR=$(host_mirror debian-security)
  [[ -n "$SECURITY_MIRROR" ]] || SECURITY_MIRROR=http://deb.debian.org/debian-security
  local rootfs=$WORK_DIR/rootfs started=$SECONDS
  say "making base images with debootstrap from $MIRROR (security: $SECURITY_MIRROR)"
  as_root rm -rf "$rootfs"
  mkdir -p "$WORK_DIR"
  if ! as_root debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$WORK_DIR/debootstrap.log" 2>&1; then
    tail -n 20 "$WORK_DIR/debootstrap.log" >&2
    die "debootstrap failed (log: $WORK_DIR/debootstrap.log)"
  fi
  # apt in the image: the same mirrors, in the layout of Debian's own images.
  as_root rm -f "$rootfs/etc/apt/sources.list"
  as_root tee "$rootfs/etc/apt/sources.list.d/debian.sources" >/dev/null <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # As in Debian's images: no translations, no downloaded .debs kept, no lists shipped.
  as_root tee "$rootfs/etc/apt/apt.conf.d/docker-no-languages" >/dev/null <<'EOF'
Acquire::Languages "none";
EOF
  as_root tee "$rootfs/etc/apt/apt.conf.d/docker-clean" >/dev/null <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  as_root sh -c "rm -rf '$rootfs'/var/cache/apt/archives/*.deb '$rootfs'/var/cache/apt/*.bin \
    '$rootfs'/var/lib/apt/lists/* '$rootfs'/var/log/*.log '$rootfs'/var/log/apt/* \
    '$rootfs'/tmp/* '$rootfs'/var/tmp/* '$rootfs'/var/cache/debconf/*-old \
    && : > '$rootfs/etc/resolv.conf' && echo localhost > '$rootfs/etc/hostname'"
  import_rootfs "$rootfs" "$LOCAL_BASE"
  # The slim variant, as Debian's: dpkg leaves out docs (but copyright), man pages,
  # info, lintian data and locales, and what is there already goes.
  as_root tee "$rootfs/etc/dpkg/dpkg.cfg.d/docker" >/dev/null <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  as_root sh -c "cd '$rootfs' \
    && find usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete \
    && find usr/share/doc -mindepth 1 -type d -empty -delete \
    && rm -rf usr/share/man/* usr/share/groff/* usr/share/info/* usr/share/lintian/* usr/share/linda/* \
    && find usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +"
  import_rootfs "$rootfs" "$LOCAL_RUNTIME_BASE"
  as_root rm -rf "$rootfs"
  say "base images made in $((SECONDS - started)) s: $LOCAL_BASE, $LOCAL_RUNTIME_BASE"
}

if [[ $BUILD_IMAGE -eq 1 ]]; then
if [[ $FORCE_DEBOOTSTRAP -eq 1 ]] || ! pull_or_fallback; then
  [[ $FORCE_DEBOOTSTRAP -eq 1 ]] || say "no base image can be pulled: making them with debootstrap"
  make_debootstrap_bases
  BASE=$LOCAL_BASE; RUNTIME_BASE=$LOCAL_RUNTIME_BASE
fi

# --- The build context -------------------------------------------------------------------
CONTEXT=$WORK_DIR/context
rm -rf "$CONTEXT"
mkdir -p "$CONTEXT"
if [[ -n "$REF" ]]; then
  git -C "$ROOT" rev-parse --verify --quiet "$REF^{commit}" >/dev/null || die "--ref: no commit '$REF'"
  say "source: commit $(git -C "$ROOT" rev-parse --short "$REF^{commit}") ($REF)"
  git -C "$ROOT" archive --format=tar "$REF" | tar -C "$CONTEXT" -x
else
  say "source: the working tree $ROOT"
  tar -C "$ROOT" --exclude='./build*' --exclude=./.git --exclude=./.cache -c . | tar -C "$CONTEXT" -x
fi
[[ -f "$CONTEXT/Dockerfile" ]] || die "no Dockerfile in the source"
rm -rf "$CONTEXT/docker/servo-core"
mkdir -p "$CONTEXT/docker/servo-core"
: > "$CONTEXT/docker/servo-core/.gitkeep"
if [[ -n "$SERVO_FILE" ]]; then
  cp "$SERVO_FILE" "$CONTEXT/docker/servo-core/servo"
  say "servo core: $SERVO_FILE (commit $PINNED_COMMIT, SHA-256 checked)"
else
  say "servo core: downloaded in the build (commit $PINNED_COMMIT)"
fi

# --- Build -----------------------------------------------------------------------------
BUILD_ARGS=(--build-arg "BASE_IMAGE=$BASE" --build-arg "RUNTIME_BASE_IMAGE=$RUNTIME_BASE"
            --build-arg "ADJUST_JOBS=$JOBS" --build-arg "ADJUST_UNIT_TESTS=$UNIT_TESTS")
case "$ENGINE" in
  docker) BUILD=(docker build) ;;
  podman) BUILD=(eng build --isolation "$ISOLATION") ;;
  buildah) BUILD=(eng build --isolation "$ISOLATION" --layers) ;;
esac
say "building $TAG from $BASE / $RUNTIME_BASE (jobs $JOBS, unit tests $UNIT_TESTS)"
started=$SECONDS
"${BUILD[@]}" "${BUILD_ARGS[@]}" "${ENGINE_ARGS[@]}" -t "$TAG" -f "$CONTEXT/Dockerfile" "$CONTEXT"
BUILD_SECONDS=$((SECONDS - started))
else
  image_exists "$TAG" || die "--smoke-only: no image $TAG (--tag names it)"
fi

# --- Smoke test --------------------------------------------------------------------------
# run_in_image ENTRYPOINT|- ARGS...: run in a container of the image; "-" runs the image's
# own entrypoint with ARGS. docker and podman run a real container; where podman cannot
# start one (no usable OCI runtime or cgroups, as in some sandboxes), and with buildah,
# the command runs with chroot isolation, as the build's RUN steps did.
PODMAN_RUN_WORKS=""
entrypoint_words() {
  case "$ENGINE" in
    buildah) eng inspect --type image --format '{{range .OCIv1.Config.Entrypoint}}{{.}} {{end}}' "$TAG" ;;
    *) eng image inspect --format '{{range .Config.Entrypoint}}{{.}} {{end}}' "$TAG" ;;
  esac
}
chroot_run() {  # ARGV... (buildah's chroot isolation; podman without buildah: a throwaway build)
  if command -v buildah >/dev/null; then
    local ctr rc=0
    ctr=$(buildah "${GLOBAL[@]}" from --pull=never "$TAG")
    buildah "${GLOBAL[@]}" run --isolation chroot "$ctr" -- "$@" || rc=$?
    buildah "${GLOBAL[@]}" rm "$ctr" >/dev/null
    return $rc
  fi
  local json="" a
  for a in "$@"; do json+="${json:+, }\"${a//\"/\\\"}\""; done
  local dir
  dir=$(mktemp -d)
  printf 'FROM %s\nRUN [%s]\n' "$TAG" "$json" > "$dir/Containerfile"
  # The RUN step's output is what stdout has between its STEP line and COMMIT.
  local rc=0
  eng build --isolation chroot --no-cache --iidfile "$dir/iid" -f "$dir/Containerfile" "$dir" \
    | sed -n '/^STEP 2\/2: /,/^COMMIT/{/^STEP 2\/2: /d;/^COMMIT/d;p}' || rc=$?
  [[ -s "$dir/iid" ]] && eng rmi "$(cat "$dir/iid")" >/dev/null 2>&1
  rm -rf "$dir"
  return $rc
}
run_in_image() {
  local entry=$1; shift
  local argv=()
  if [[ "$entry" == - ]]; then read -r -a argv <<<"$(entrypoint_words)"; else argv=("$entry"); fi
  argv+=("$@")
  case "$ENGINE" in
    docker)
      if [[ "$entry" == - ]]; then docker run --rm "$TAG" "$@"
      else docker run --rm --entrypoint "$entry" "$TAG" "$@"; fi ;;
    podman)
      if [[ "$PODMAN_RUN_WORKS" == 1 ]]; then
        if [[ "$entry" == - ]]; then eng run --rm "$TAG" "$@"
        else eng run --rm --entrypoint "$entry" "$TAG" "$@"; fi
      else
        chroot_run "${argv[@]}"
      fi ;;
    buildah) chroot_run "${argv[@]}" ;;
  esac
}

if [[ $SMOKE -eq 1 ]]; then
  if [[ "$ENGINE" == podman ]]; then
    if err=$(eng run --rm --entrypoint /servo/adjust "$TAG" --version 2>&1 >/dev/null); then
      PODMAN_RUN_WORKS=1
    else
      PODMAN_RUN_WORKS=0
      say "podman run cannot start a container here: ${err##*$'\n'}"
      say "running the smoke test with chroot isolation instead"
    fi
  fi
  say "smoke test: /servo/adjust --info"
  info=$(run_in_image /servo/adjust --info) || die "smoke test: /servo/adjust --info failed"
  info_line=$(printf '%s\n' "$info" | grep -E '^\{"version": ?"[^"]+", ?"has_cancel": ?(true|false)\}$' | head -n1 || true)
  [[ -n "$info_line" ]] || die "smoke test: /servo/adjust --info printed no info line: $info"
  echo "  $info_line"
  say "smoke test: entrypoint ($(entrypoint_words| sed 's/ $//')) --help"
  help=$(run_in_image - --help) || die "smoke test: the entrypoint with --help failed"
  grep -q '^usage: servo' <<<"$help" || die "smoke test: no servo usage in: $help"
  printf '%s\n' "$help" | head -n 3 | sed 's/^/  /'
  say "smoke test passed"
fi

case "$ENGINE" in
  docker) size=$(docker image inspect --format '{{.Size}}' "$TAG") ;;
  podman) size=$(eng image inspect --format '{{.Size}}' "$TAG") ;;
  buildah) size=$(eng images --noheading --format '{{.Size}}' "$TAG" | head -n1) ;;
esac
if [[ "$size" =~ ^[0-9]+$ ]]; then size="$(((size + 500000) / 1000000)) MB ($size bytes)"; fi
if [[ $BUILD_IMAGE -eq 1 ]]; then
  say "built $TAG with $ENGINE in ${BUILD_SECONDS} s; image size: $size"
else
  say "$TAG: image size: $size"
fi
