"""``python -m bench.flashsale``: see :mod:`bench.flashsale.run`."""

from bench.flashsale.run import main

raise SystemExit(main())
