"""``python -m research.sample --out DIR``: the same as ``research sample --out DIR``."""

import sys

from research.cli import main

raise SystemExit(main(["sample", *sys.argv[1:]]))
