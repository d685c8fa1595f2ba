"""The router's preparation stage: one client operation from text to a plan that can run.

``prepare(supergraph, query, operation_name, *, access, limits, override_labels)
-> Prepared`` parses and validates the operation against the API schema,
chooses it in the document, removes what ``access`` may not see and plans
the rest (:mod:`~router.prepare.stage`). :class:`Prepared` carries the
client's document, which operation it is, its plan, what authorization
removed and what the operation defers (:mod:`~router.prepare.prepared`);
:class:`PlanCache` keeps prepared operations per operation text, supergraph
version, override labels and access (:mod:`~router.prepare.cache`). A
rejected operation raises :class:`OperationRejected` with the client's
errors (:mod:`~router.prepare.errors`). Imports the operation, planner and
supergraph stages; nothing from transports, execution or the HTTP edge.
"""

from router.prepare.cache import CacheKey, PlanCache
from router.prepare.errors import OperationRejected, PlanningBudgetExceeded
from router.prepare.prepared import NO_DEFERRAL, Deferral, Prepared
from router.prepare.stage import PlanningLimits, prepare

__all__ = [
    "NO_DEFERRAL",
    "CacheKey",
    "Deferral",
    "OperationRejected",
    "PlanCache",
    "PlanningBudgetExceeded",
    "PlanningLimits",
    "Prepared",
    "prepare",
]
