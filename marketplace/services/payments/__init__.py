"""Online payment: one payment per checkout, its attempts with a provider, notifications processed
once, and the stock held while the shopper pays (issue 17)."""
