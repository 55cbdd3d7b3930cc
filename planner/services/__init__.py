"""Use cases: load from storage, call the domain, persist, commit.

Services own transactions (see `planner.services.transactions`); the data-access
functions they call never commit. The CLI and the web app call the same services.
"""
