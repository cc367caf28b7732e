#!/usr/bin/env python3
"""botocore's SigV4 signing of the request BM_SignEcsDescribeServices signs (bench/sigv4_bench.cpp).

Prints one JSON object: {"us_per_sign": median over repeats (CPU time), "repeats": [...],
"iterations": N}.
Each iteration signs a fresh AWSRequest (add_auth adds headers to the request it is given), as
botocore does for every call; the requests are built before the timed loop, so only add_auth is
timed; the signing key chain is recomputed by botocore on each call (it
has no cache), which is part of what is being compared.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CREDENTIALS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                          "IQoJb3JpZ2luX2VjEXAMPLEsessiontoken")
BODY = b'{"cluster": "prod", "services": ["web"]}'
HEADERS = {"Content-Type": "application/x-amz-json-1.1",
           "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.DescribeServices",
           "User-Agent": "adjust/0.1.0"}


def fresh_request() -> AWSRequest:
    return AWSRequest(method="POST", url="https://ecs.us-east-1.amazonaws.com/", data=BODY,
                      headers=dict(HEADERS))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    auth = SigV4Auth(CREDENTIALS, "ecs", "us-east-1")
    for request in [fresh_request() for _ in range(200)]:  # warm-up
        auth.add_auth(request)
    results = []
    for _ in range(args.repeats):
        requests = [fresh_request() for _ in range(args.iterations)]  # built outside the timing
        start = time.process_time()  # CPU time, as the C++ figure it is compared with
        for request in requests:
            auth.add_auth(request)
        results.append((time.process_time() - start) / args.iterations * 1e6)
    print(json.dumps({"us_per_sign": statistics.median(results), "repeats": results,
                      "iterations": args.iterations}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
