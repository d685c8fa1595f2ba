"""Entry points of the Beyond platform: the ``beyond`` command and the composition roots."""
