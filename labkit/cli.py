"""The `labkit` command: serve the simulator, benchmark it, retrain its model, run a demo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from labkit.sim.faults import FAULT_KINDS, SCENARIOS, FaultSpecError, as_faults

REPO_ROOT = Path(__file__).resolve().parent.parent


def _serve(args: argparse.Namespace) -> int:
    from labkit.sim.app import SimApp
    from labkit.sim.engine import Simulator
    from labkit.sim.server import SimServer

    faults = as_faults(";".join(args.fault)) if args.fault else ()
    server = SimServer(SimApp(Simulator(seed=args.seed, faults=faults)), args.host, args.port, args.verbose)
    print(f"labkit simulator listening on {server.url} (seed {args.seed}); Ctrl-C stops it", flush=True)
    print(f"  use: anthropic.Anthropic(base_url='{server.url}', api_key='any')", flush=True)
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


def _train(args: argparse.Namespace) -> int:
    from labkit.sim import lm

    corpus = sorted(Path(args.corpus).glob("*.txt"))
    if not corpus:
        print(f"labkit train-lm: no .txt files in {args.corpus}", file=sys.stderr)
        return 2
    weights = lm.train([p.read_text(encoding="utf-8") for p in corpus])
    lm.save(weights, Path(args.out))
    print(f"trained on {len(corpus)} files; vocabulary {len(weights.vocab)} words; saved to {args.out}")
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
    print(f"\nSimulated agent on {runs['task'].nunique()} tasks x {args.epochs} epochs (seed {args.seed}):")
    print(table.round(3).to_string())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="labkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the simulated Messages API on loopback")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--host", default="127.0.0.1", help="loopback only (127.0.0.1, ::1, localhost)")
    serve.add_argument("--seed", type=int, default=0)
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        help=f"a fault spec such as 'approx_topk:rate=0.05' or a scenario ({', '.join(SCENARIOS)}); "
        f"kinds: {', '.join(FAULT_KINDS)}",
    )
    serve.add_argument("--verbose", action="store_true", help="log every request to stderr")
    serve.set_defaults(run=_serve)

    bench = commands.add_parser("bench", help="measure simulator and agent throughput")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--quick", action="store_true", help="smaller counts (a smoke test)")
    bench.set_defaults(run=_bench)

    train = commands.add_parser("train-lm", help="retrain the simulator's language model")
    train.add_argument("--corpus", default=str(REPO_ROOT / "datasets" / "corpus"))
    train.add_argument("--out", default=str(Path(__file__).parent / "sim" / "weights"))
    train.set_defaults(run=_train)

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
