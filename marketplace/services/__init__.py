"""Business rules. Services validate, change objects, flush and raise domain errors; they never
commit and never touch the request. The request's unit of work commits once (web/unit_of_work.py)."""
