"""``python -m research.sample --out DIR``: generate the sample study."""

from __future__ import annotations

import argparse

from research.sample import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m research.sample", description=__doc__)
    parser.add_argument("--out", required=True, help="target study folder (replaced)")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--scale", type=float, default=1.0, help="size multiplier (1 = committed sample)")
    parser.add_argument("--allow-raw", action="store_true", help="allow writing under data/raw")
    parser.add_argument("--parts", nargs="+", help="regenerate only these parts (e.g. surveys kpis)")
    args = parser.parse_args(argv)
    folder = generate(args.out, seed=args.seed, scale=args.scale, allow_raw=args.allow_raw, parts=args.parts)
    print(f"sample study written to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
