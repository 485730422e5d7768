"""What a shopper keeps for later: saved products (wishlist.py) and followed shops (follows.py),
with the pages' reads beside them (wishlist_queries.py, follow_queries.py)."""
