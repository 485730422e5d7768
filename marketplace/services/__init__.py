"""Business rules. Services validate, change objects, flush and raise domain errors;
they never commit and never touch the request. The caller commits once."""
