"""What every service reports to Prometheus (``beyond_*`` metrics, default registry).

:mod:`~shared.telemetry.metrics` defines them; the GraphQL extension, the
SQL and Redis instrumentation (:func:`~shared.telemetry.instrument.instrument_service`),
the cache, the gRPC clients and the :class:`~shared.telemetry.sampler.BacklogSampler`
worker feed them. They are exposed only where ``BEYOND_METRICS_LISTEN`` says.
"""
