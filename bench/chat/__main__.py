"""``python -m bench.chat fanout|idle``: see :mod:`bench.chat.fanout` and :mod:`bench.chat.idle`."""

import sys

from bench.chat.run import main

sys.exit(main())
