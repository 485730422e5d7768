"""Where the money goes after a sale: the double-entry ledger, commission, settlement, refunds and payouts."""
