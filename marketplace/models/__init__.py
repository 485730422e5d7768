"""Every model, importable from one place (Alembic autogenerate and the services use this)."""
from marketplace.models.base import Base
from marketplace.models.cart import CartItem, CartRequest
from marketplace.models.catalog import (
    Category, PendingImage, Product, ProductImage, ProductStatus, ProductVariant,
)
from marketplace.models.ledger import (
    AccountKind, CommissionRate, LedgerAccount, LedgerEntry, LedgerShopHour, LedgerTransaction, Payout, PayoutStatus, Refund,
    RefundItem, RefundStatus, TransactionKind,
)
from marketplace.models.notifications import AuditLog, Notification
from marketplace.models.orders import CheckoutRequest, Order, OrderEvent, OrderItem, OrderStatus, PaymentMethod
from marketplace.models.payments import CheckoutPayment, PaymentAttempt, PaymentEvent, PaymentRefund, PaymentStatus
from marketplace.models.returns import (
    OPEN_RETURN_STATUSES, ReturnEvent, ReturnImage, ReturnItem, ReturnReason, ReturnRequest, ReturnStatus,
)
from marketplace.models.reviews import Review, ReviewImage
from marketplace.models.rollups import CacheVersion, ProductCount, ProductSalesDaily, SalesDaily, ShopSalesDaily
from marketplace.models.search import SearchWord
from marketplace.models.shops import Shop, ShopStatus
from marketplace.models.users import Address, LoginSession, OtpCode, OtpPurpose, Role, User, UserStatus
from marketplace.models.vouchers import Voucher, VoucherKind, VoucherUsage
from marketplace.models.wishlist import ShopFollow, WishlistItem

__all__ = [
    "AccountKind", "CommissionRate", "LedgerAccount", "LedgerEntry", "LedgerShopHour", "LedgerTransaction", "OPEN_RETURN_STATUSES",
    "Payout", "PayoutStatus", "Refund", "RefundItem", "RefundStatus", "ReturnEvent", "ReturnImage", "ReturnItem",
    "ReturnReason", "ReturnRequest", "ReturnStatus", "TransactionKind",
    "Address", "AuditLog", "Base", "CacheVersion", "CartItem", "CartRequest", "Category", "CheckoutPayment",
    "CheckoutRequest", "PaymentAttempt", "PaymentEvent", "PaymentRefund", "PaymentStatus",
    "LoginSession", "Notification", "Order", "OrderEvent", "OrderItem", "OrderStatus", "OtpCode", "OtpPurpose",
    "PaymentMethod", "PendingImage", "Product", "ProductCount", "ProductImage", "ProductSalesDaily", "ProductStatus",
    "ProductVariant", "Review", "ReviewImage", "Role", "SalesDaily", "SearchWord", "Shop", "ShopFollow", "ShopSalesDaily",
    "ShopStatus", "User", "UserStatus", "Voucher", "VoucherKind", "VoucherUsage", "WishlistItem",
]
