"""Business rules, one package per feature. Services validate, change objects, flush and raise
domain errors; they never commit and never touch the request. The request's unit of work
commits once (web/unit_of_work.py). Both faces call them: the HTML views and the JSON API.

    core/      what every feature uses: errors, effects after commit, keyset paging, plain rows,
               text, input ranges, what buying costs (pricing), image uploads, the audit log,
               what the database keeps (rollups and cache versions)
    accounts/  users, one-time codes, passwords, profiles, addresses, logins, notifications
    catalog/   products, variants, images, categories, visibility, search, storefront caches
    shops/     shops and their lifecycle, the seller's figures
    ledger/    where the money goes after a sale: the double-entry ledger, commission, refunds,
               settlement of shops' earnings, payouts
    wishlist/  what a shopper keeps for later: saved products, followed shops
    cart/      the account and guest carts behind one interface, the own-shop rule
    ordering/  checkout, vouchers, the order lifecycle
    payments/  online payment of a checkout: providers behind one interface, notifications once, holds,
               online refunds sent to the provider
    returns/   returns of delivered lines: the state machine, the refund on receipt
    reviews/   reviews, seller replies, moderation of reviews
    admin/     what only administrators do or read (suspensions, product moderation, figures)

Arrows. A package depends only on the packages listed before it, never on the web layer
(blueprints, web/, api/).

Reads and writes. A module named `*_queries` only reads: it answers what a page or an API call
shows (plain rows or small values) and never adds, flushes, locks or deletes. Every other
module changes something and holds the rules for it, reading only what those rules need;
`*_figures` modules are the dashboards' aggregates. tests/project/test_layers.py checks both.
"""
