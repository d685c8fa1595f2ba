"""``python -m bench.subscriptions``: see :mod:`bench.subscriptions.run`."""

import sys

from bench.subscriptions.run import main

sys.exit(main())
