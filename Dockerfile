# Multi-stage image: build and unit-test `adjust` on Debian bookworm, then a
# slim runtime that runs the classic servo core with our binary as
# /servo/adjust. Config and AWS credentials are mounted at run time, never
# baked in:
#   docker run -v $PWD/config.yaml:/servo/config.yaml:ro \
#              -v $HOME/.aws:/root/.aws:ro \
#              -v $PWD/optune_auth_token:/run/secrets/optune_auth_token:ro \
#              IMAGE APP_ID --account ACCOUNT

FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config ca-certificates \
      libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev \
      libpugixml-dev libgtest-dev libgmock-dev libbenchmark-dev python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Tests that need moto or botocore skip themselves here (neither is in this image).
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DADJUST_BUILD_BENCH=OFF \
 && cmake --build build \
 && ctest --test-dir build --output-on-failure \
 && strip build/adjust

FROM debian:bookworm-slim AS runtime
# servo core is one Python script from github.com/opsani/servo, pinned by commit.
ARG SERVO_COMMIT=068861e8d11d22668944b56de2650e6221a16525
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libcurl4 libssl3 libyaml-cpp0.7 libpugixml1v5 python3 python3-requests \
 && rm -rf /var/lib/apt/lists/*
ADD https://raw.githubusercontent.com/opsani/servo/${SERVO_COMMIT}/servo /servo/servo
COPY --from=build /src/build/adjust /servo/adjust
COPY config.yaml.example /servo/config.yaml.example
RUN chmod 0755 /servo/servo /servo/adjust && /servo/adjust --version
WORKDIR /servo
ENTRYPOINT ["python3", "/servo/servo"]
