"""The router's Prometheus metrics, kept out of the request path's modules.

:class:`~router.telemetry.metrics.RouterMetrics` is built only when metrics
are on; the HTTP app then wraps its transports, plan cache and planning front
with the measuring versions in :mod:`router.telemetry.measured`. Off, nothing
here runs.
"""

from router.telemetry.metrics import RouterMetrics

__all__ = ["RouterMetrics"]
