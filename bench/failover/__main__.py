"""``python -m bench.failover``: see :mod:`bench.failover.run`."""

import sys

from bench.failover.run import main

sys.exit(main())
