"""awssim: a small fault-injecting ECS / ELBv2 / STS / credentials simulator for adjust's tests.

One process, one loopback port. Two modes:

* proxy mode (``--upstream http://127.0.0.1:<moto port>``): every AWS request is forwarded byte for
  byte (signed Host header included) to moto and the answer is passed back, except where a fault
  rule or the ECS deployment model intervenes;
* fake-only mode (no upstream): the simulator answers what it models (DescribeServices,
  UpdateService, ListTasks, DescribeTasks, Describe/Register/Deregister/ListTaskDefinitions, DescribeTargetHealth,
  DescribeTargetGroupAttributes, GetCallerIdentity) from services seeded through the control API.

In both modes the service deployments API (List/DescribeServiceDeployments, DescribeServiceRevisions,
Stop/ContinueServiceDeployment) is answered from the model for the services it knows, with ROLLING,
BLUE_GREEN, LINEAR and CANARY deployments, lifecycle hooks and rollbacks (service_deployments.py), and
Application Auto Scaling's Describe/Register/DeregisterScalableTarget(s) plus a scaler that changes a
service's desired count (autoscaling.py).

Control API (JSON) under ``/_sim/``; see control.py and test/tools/README.md.
On start it prints one JSON line ``{"port": N, "pid": P}`` on stdout. Logs go to stderr and never
contain Authorization headers or secrets. Binds 127.0.0.1 only; exits by itself after
``--lifetime`` seconds or when its parent process goes away.

Run it as ``python3 test/tools/awssim`` (or ``python3 -m awssim`` with test/tools on the path).
One module per concern:

* clock.py      sim time (frozen, advanced, or real time x factor) and the time formats;
* wire.py       what an incoming request is (service, operation, signer) and the reply formats;
* faults.py     fault rules: which calls, what to do (errors, resets, hangs, skew, JSON patches);
* buckets.py    the account's API throttling token buckets (real time) and each operation's family;
* ecs_model.py  the ECS deployment model: services, deployments, tasks, targets, scenarios;
* service_deployments.py  service deployments and revisions: strategies, stages, hooks, rollbacks;
* autoscaling.py  Application Auto Scaling: scalable targets, the scaler, its JSON 1.1 API;
* answers.py    the fake ECS / ELBv2 / STS answers from the model;
* proxy.py      forwarding to moto (proxy mode);
* creds.py      the IMDS and container credential endpoints;
* control.py    the ``/_sim/`` control API;
* sim.py        the simulator: one request in, logged, faulted, answered;
* server.py     the HTTP server and the command line; selftest.py tests it all as a process.
"""
