"""Protection for calls between services: breakers, retries with a budget, load shedding.

- :mod:`shared.resilience.breaker`: Google SRE adaptive throttling per endpoint.
- :mod:`shared.resilience.retry`: retries for idempotent calls only, budgeted, jittered,
  within the caller's deadline.
- :mod:`shared.resilience.shedder`: go-zero's adaptive shedder, OVERLOADED past capacity.
- :mod:`shared.resilience.deadline`: the caller's remaining time, carried across hops.
"""
