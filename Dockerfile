# Multi-stage image: build, unit-test and package `adjust` (a Debian package made by
# CPack) on Debian bookworm, then a slim runtime that runs the classic servo core with
# our binary as /servo/adjust. scripts/build-image.sh builds it with docker, podman or
# buildah, makes the base images from Debian's packages when no registry can be reached,
# and smoke-tests the result. Config and AWS credentials are mounted at run time, never
# baked in:
#   docker run -v $PWD/config.yaml:/servo/config.yaml:ro \
#              -v $HOME/.aws:/root/.aws:ro \
#              -v $PWD/optune_auth_token:/run/secrets/optune_auth_token:ro \
#              IMAGE APP_ID --account ACCOUNT

# The bases, overridable: scripts/build-image.sh passes local images built with
# debootstrap when these cannot be pulled.
ARG BASE_IMAGE=debian:bookworm
ARG RUNTIME_BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
# dpkg-dev (dpkg-shlibdeps) and file: CPack computes the package's Depends from the
# libraries the binary links.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config ca-certificates dpkg-dev file \
      libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev \
      libpugixml-dev libgtest-dev libgmock-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Parallel compile jobs (the image build shares the machine: 2 by default).
ARG ADJUST_JOBS=2
# ON: build the unit tests and run `ctest -L unit` (540-odd tests, 5-8 s; compiling
# them is what costs, about 2 of the build's 5 minutes on 2 cores): they check the very
# objects the shipped binary is linked from. The net and e2e tests need servers that are
# not in the image. The build type is scripts/package.sh's, so the image runs the same
# binary as the Debian package (-O2, stripped by CPack).
ARG ADJUST_UNIT_TESTS=ON
RUN set -eu; \
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
          -DADJUST_BUILD_BENCH=OFF -DADJUST_BUILD_TESTS=${ADJUST_UNIT_TESTS}; \
    test -f build/CPackConfig.cmake \
      || { echo "no CPack configuration: this tree lacks cmake/packaging.cmake" >&2; exit 1; }; \
    targets="adjust adjust_man"; \
    if [ "${ADJUST_UNIT_TESTS}" = ON ]; then targets="$targets adjust_unit_tests"; fi; \
    cmake --build build -j "${ADJUST_JOBS}" --target $targets; \
    if [ "${ADJUST_UNIT_TESTS}" = ON ]; then \
      ctest --test-dir build -L unit -j "${ADJUST_JOBS}" --output-on-failure; \
    fi; \
    cd build && cpack -G DEB && ls -l adjust_*.deb

FROM ${RUNTIME_BASE_IMAGE} AS runtime
# servo core needs python3 and python3-requests (its only import outside the stdlib).
# A layer of its own, before anything of ours: rebuilding adjust leaves it cached.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates python3 python3-requests \
 && rm -rf /var/lib/apt/lists/*
# servo core is one Python script from github.com/opsani/servo (file `servo` at the repo
# root), pinned by commit and checked against its SHA-256. A file placed in
# docker/servo-core/servo (scripts/build-image.sh --servo-file does that) is used instead
# of downloading; it must have the same SHA-256. To pin another commit, pass both args.
ARG SERVO_COMMIT=9a27c5b47edb9c218d37f8941096572b699800c0
ARG SERVO_SHA256=a546502d07d9fc26223b34964e13a8afd877a6f8ae4066c6b93379c7aca24e44
COPY docker/servo-core/ /tmp/servo-core/
RUN set -eu; \
    mkdir -p /servo; \
    if [ -f /tmp/servo-core/servo ]; then \
      echo "servo core: the local file given to the build"; \
      cp /tmp/servo-core/servo /servo/servo; \
    else \
      url="https://raw.githubusercontent.com/opsani/servo/${SERVO_COMMIT}/servo"; \
      echo "servo core: downloading $url"; \
      python3 -c 'import sys, urllib.request; open(sys.argv[2], "wb").write(urllib.request.urlopen(sys.argv[1], timeout=60).read())' \
        "$url" /servo/servo; \
    fi; \
    echo "${SERVO_SHA256}  /servo/servo" | sha256sum -c - \
      || { echo "servo core is not the file of commit ${SERVO_COMMIT} (SHA-256 ${SERVO_SHA256})" >&2; exit 1; }; \
    chmod 0755 /servo/servo; \
    rm -rf /tmp/servo-core
COPY config.yaml.example /servo/config.yaml.example
# Our package: its Depends (computed by dpkg-shlibdeps) bring the libraries adjust links.
COPY --from=build /src/build/adjust_*.deb /tmp/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/adjust_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/adjust_*.deb \
 && ln -s /usr/bin/adjust /servo/adjust \
 && chmod 0644 /servo/config.yaml.example \
 && /servo/adjust --version
WORKDIR /servo
ENTRYPOINT ["python3", "/servo/servo"]
