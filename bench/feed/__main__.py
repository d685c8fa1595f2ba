"""``python -m bench.feed``: see :mod:`bench.feed.run`."""

from bench.feed.run import main

raise SystemExit(main())
