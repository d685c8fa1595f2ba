"""The Beyond federation router: supergraph → API schema → plan → execute → response.

Stages import in one direction only: ``supergraph`` ← ``operation`` ← ``planner``
← ``execution`` ← ``http``. The plan vocabulary in :mod:`router.plan` is the
contract between planner and executor and imports nothing from either.
"""
