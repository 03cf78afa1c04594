"""The reference supplier platform: a stand-in for an outside supplier's web service.

It is a separate program with its own SQLite file; nothing of sav's database is shared. Its HTTP
API (``app.py``) is the contract the adapter is written against; ``contract/openapi.json`` is
that contract, committed, and a test checks the running platform still serves exactly it.
"""
