"""``python -m research``: the same as the ``research`` command."""

from research.cli import main

raise SystemExit(main())
