"""``python -m bench.engagement``: see :mod:`bench.engagement.run`."""

from bench.engagement.run import main

raise SystemExit(main())
