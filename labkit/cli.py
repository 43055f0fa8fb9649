"""The `labkit` command: serve the simulator, benchmark it, run a demo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from labkit.sim.faults import FAULT_KINDS, SCENARIOS, FaultSpecError, as_faults


def _serve(args: argparse.Namespace) -> int:
    from labkit.sim.app import SimApp
    from labkit.sim.engine import Simulator
    from labkit.sim.server import SimServer

    faults = as_faults(";".join(args.fault)) if args.fault else ()
    server = SimServer(
        SimApp(Simulator(seed=args.seed, faults=faults)), args.host, args.port, args.verbose
    )
    print(
        f"labkit simulator listening on {server.url} (seed {args.seed}); Ctrl-C stops it",
        flush=True,
    )
    print(f"  use: anthropic.Anthropic(base_url='{server.url}', api_key='any')", flush=True)
    # Raw HTTP must send what the SDK sends: a key and the API version (the real API requires both).
    print(
        f"   or: curl {server.url}/v1/models -H 'x-api-key: any' "
        "-H 'anthropic-version: 2026-10-21'",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _bench(args: argparse.Namespace) -> int:
    from labkit import bench

    results = bench.run(quick=args.quick)
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:>24}: {value}")
    return 0


def _tasks(args: argparse.Namespace) -> int:
    from labkit.tasks import TaskError, load_suite

    try:
        suite = load_suite(Path(args.dir) if args.dir else None)
    except TaskError as error:
        print(f"labkit tasks: {error}", file=sys.stderr)
        return 2
    print(f"{'task':<28} {'difficulty':>10}  candidates")
    for task in suite:
        kinds = ", ".join(c.kind for c in task.candidates)
        print(f"{task.id:<28} {task.difficulty:>10.2f}  {kinds}")
    print(f"{len(suite)} tasks, all valid")
    return 0


def _demo(args: argparse.Namespace) -> int:
    import pandas as pd

    from labkit.agent import run_suite

    runs = pd.concat(
        [
            run_suite(epochs=args.epochs, effort=effort, seed=args.seed, progress=not args.quiet)
            for effort in ("medium", "high")
        ],
        ignore_index=True,
    )
    # Point estimates only: computing honest error bars is what lab 2 teaches.
    table = runs.groupby("effort", sort=False).agg(
        runs=("success", "size"),
        success_rate=("success", "mean"),
        mean_turns=("turns", "mean"),
        mean_output_tokens=("output_tokens", "mean"),
        mean_latency_s=("latency_ms", lambda ms: ms.mean() / 1000),
    )
    tasks = runs["task"].nunique()
    print(f"\nSimulated agent on {tasks} tasks x {args.epochs} epochs (seed {args.seed}):")
    print(table.round(3).to_string())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="labkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the simulated Messages API on loopback")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument(
        "--host", default="127.0.0.1", help="loopback only (127.0.0.1, ::1, localhost)"
    )
    serve.add_argument("--seed", type=int, default=0)
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        help="a fault spec such as 'approx_topk:rate=0.05' or a scenario "
        f"({', '.join(SCENARIOS)}); kinds: {', '.join(FAULT_KINDS)}",
    )
    serve.add_argument("--verbose", action="store_true", help="log every request to stderr")
    serve.set_defaults(run=_serve)

    bench = commands.add_parser("bench", help="measure simulator and agent throughput")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--quick", action="store_true", help="smaller counts (a smoke test)")
    bench.set_defaults(run=_bench)

    tasks = commands.add_parser("tasks", help="validate and list the coding-task suite")
    tasks.add_argument("--dir", help="a task suite folder (default: datasets/tasks)")
    tasks.set_defaults(run=_tasks)

    demo = commands.add_parser("demo", help="run the agent on the task suite at two efforts")
    demo.add_argument("--epochs", type=int, default=3)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except FaultSpecError as error:
        print(f"labkit: {error}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
