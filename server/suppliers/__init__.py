"""Outside suppliers (issue 13): the adapter sav talks through, and the reference platform.

``platform/`` is a separate program (its own FastAPI app and SQLite file, started by
``sav supplier serve``) standing in for a supplier's web service; ``contract/openapi.json`` is
its HTTP contract. ``adapter.py`` is the only way sav talks to a supplier.
"""
