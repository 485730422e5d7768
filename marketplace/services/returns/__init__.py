"""Returns of delivered orders: the state machine (returns.py) and what pages read (return_queries.py)."""
