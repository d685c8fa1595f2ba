"""``python -m bench.federation``: see :mod:`bench.federation.run`."""

import sys

from bench.federation.run import main

sys.exit(main())
