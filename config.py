"""Settings, read from the environment with safe development defaults.

Every variable is listed in `.env.example`. `create_app` picks a class by
`FLASK_ENV`-style name (`MARKETPLACE_ENV`): development, testing or production.
"""
import os
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision

DEFAULT_SECRET_KEY = "dev-insecure-change-me"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


# A shop order's flat shipping fee when SHIPPING_FEE is not set, in the currency's major unit.
DEFAULT_SHIPPING_FEES = {"VND": "30000", "USD": "3.00"}


# The smallest payout a shop may ask for when PAYOUT_MINIMUM is not set, in the currency's major unit.
DEFAULT_PAYOUT_MINIMUMS = {"VND": "100000", "USD": "10.00"}


def major_amount(name: str, currency: str, defaults: dict[str, str]) -> int:
    """Setting `name`, typed in the currency's major unit as people read it (30000 for VND, 3.00 for USD),
    else the currency's default, in minor units as every amount is kept."""
    text = os.environ.get(name) or defaults.get(currency, "0")
    try:
        amount = Decimal(text).scaleb(get_currency_precision(currency))
    except InvalidOperation:
        raise RuntimeError(f"{name} must be an amount in {currency}, e.g. {defaults.get(currency, '3.00')}; "
                           f"got {text!r}.") from None
    if amount != amount.to_integral_value() or amount < 0:
        raise RuntimeError(f"{name} {text!r} is not an amount of {currency} (too many decimals, or negative).")
    return int(amount)


def shipping_fee(currency: str) -> int:
    """SHIPPING_FEE in minor units (see major_amount)."""
    return major_amount("SHIPPING_FEE", currency, DEFAULT_SHIPPING_FEES)


def percent_in_basis_points(name: str, default: str) -> int:
    """A rate typed as a percentage ("5", "2.5", "5%") in basis points (500, 250, 500)."""
    text = (os.environ.get(name) or default).strip().rstrip("%").strip()
    try:
        points = Decimal(text) * 100
    except InvalidOperation:
        raise RuntimeError(f"{name} must be a percentage such as 5 or 2.5; got {text!r}.") from None
    if points != points.to_integral_value() or not 0 <= points <= 10_000:
        raise RuntimeError(f"{name} {text!r} must be between 0 and 100 with at most two decimals.")
    return int(points)


class Config:
    APP_VERSION = os.environ.get("APP_VERSION", "0.1.0")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)

    # Empty means: start the embedded pgserver under instance/ (development only).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    # Read-only storefront pages read from here when set: a streaming replica (marketplace/database.py).
    DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
    # A pooled connection idle longer than this is pinged before use (marketplace/database.py).
    DATABASE_PING_IDLE_SECONDS = float(os.environ.get("DATABASE_PING_IDLE_SECONDS") or 1)
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_size": env_int("DATABASE_POOL_SIZE", 10),
        "max_overflow": env_int("DATABASE_MAX_OVERFLOW", 10),
    }
    SQLALCHEMY_RECORD_QUERIES = False
    SLOW_QUERY_MS = env_int("SLOW_QUERY_MS", 200)
    SQL_COUNT_HEADER = env_bool("SQL_COUNT_HEADER", False)  # X-SQL-Statements on every response (bench)

    SITE_NAME = os.environ.get("SITE_NAME", "Chợ Phố")  # the brand in the header, page titles and footer
    # The public origin (https://cho-pho.vn) of canonical addresses, sitemaps and link previews; empty:
    # each request's own scheme and host (README "Search engines and sharing").
    SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
    SITEMAP_MAX_URLS = env_int("SITEMAP_MAX_URLS", 50_000)  # addresses per child sitemap (the protocol's limit)
    SITEMAP_CACHE_SIZE = env_int("SITEMAP_CACHE_SIZE", 16)  # sitemap files kept per process (a few MB each at most)
    # Every amount's currency (ISO 4217), formatted by Babel in the viewer's language (marketplace/money.py).
    CURRENCY = os.environ.get("CURRENCY", "VND").upper()
    # The interface's languages (message catalogs under marketplace/translations) and the one a visitor
    # gets when neither their choice (cookie, profile) nor their browser's Accept-Language picks one.
    LOCALES = ("vi", "en")
    DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "vi")
    # Times are stored in UTC and shown in the viewer's zone: theirs (profile) or this one.
    DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    DEFAULT_PHONE_REGION = os.environ.get("DEFAULT_PHONE_REGION", "VN").upper()
    SHIPPING_FEE = shipping_fee(CURRENCY)  # minor units, flat per shop order
    LOW_STOCK_THRESHOLD = env_int("LOW_STOCK_THRESHOLD", 5)
    NOTIFICATIONS_POLL_SECONDS = env_int("NOTIFICATIONS_POLL_SECONDS", 30)  # the navbar bell's unread count
    # Online payment: who collects it (sandbox, stripe, vnpay) and how long an unpaid checkout holds its stock.
    PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "sandbox").strip().lower()
    PAYMENT_HOLD_MINUTES = env_int("PAYMENT_HOLD_MINUTES", 15)
    # The sandbox signs its notifications with this; empty: a key derived from SECRET_KEY.
    SANDBOX_PAYMENT_SECRET = os.environ.get("SANDBOX_PAYMENT_SECRET", "")
    # After the sale: the platform's commission (a percentage; the admin overrides it per category and
    # per shop), how long a buyer may ask to return a delivered order and a seller has to answer, when a
    # delivered order's earnings become the shop's to withdraw, and the smallest payout (major unit).
    COMMISSION_RATE_BP = percent_in_basis_points("COMMISSION_RATE", "5")
    RETURN_WINDOW_DAYS = env_int("RETURN_WINDOW_DAYS", 7)
    RETURN_RESPONSE_DAYS = env_int("RETURN_RESPONSE_DAYS", 3)
    SETTLEMENT_DAYS = env_int("SETTLEMENT_DAYS", 7)
    PAYOUT_MINIMUM = major_amount("PAYOUT_MINIMUM", CURRENCY, DEFAULT_PAYOUT_MINIMUMS)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)

    BCRYPT_ROUNDS = env_int("BCRYPT_ROUNDS", 12)
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
    # A whole form's uploads: a product's 10 images or a review's 5 photos, each up to MAX_IMAGE_BYTES
    # (phone photos are 3-6 MB), must fit in one request, or the typed text is lost with a 413.
    MAX_IMAGE_BYTES = env_int("MAX_IMAGE_BYTES", 5 * 1024 * 1024)
    # Pixels, not bytes, decide what decoding costs (a 52 KB PNG can hold 40 MP). 25 MP takes what
    # phones and cameras save by default (12 MP; 24 MP = 6000 x 4000); larger is refused from the
    # file's header, before decoding (services/core/images.py).
    MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 25_000_000)
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 64 * 1024 * 1024)

    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5 per minute")
    RATELIMIT_OTP_SEND = os.environ.get("RATELIMIT_OTP_SEND", "5 per 10 minutes")
    RATELIMIT_OTP_VERIFY = os.environ.get("RATELIMIT_OTP_VERIFY", "10 per minute")
    RATELIMIT_PASSWORD_RESET = os.environ.get("RATELIMIT_PASSWORD_RESET", "5 per 10 minutes")
    RATELIMIT_SEARCH = os.environ.get("RATELIMIT_SEARCH", "120 per minute")
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "300 per minute")
    # While the shared storage (Redis) is unreachable, each process counts on its own, and goes back
    # to the shared counters when it answers again: limits hold per process instead of every page 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Every Redis client of the app (rate limits, job queue, page cache, /health) gives up after this
    # many seconds, so a Redis that hangs costs a request that long at most, and the app does without it.
    REDIS_SOCKET_CONNECT_TIMEOUT = float(os.environ.get("REDIS_SOCKET_CONNECT_TIMEOUT") or 0.5)
    REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT") or 0.5)
    # /health waits this long for a query (statement and lock timeout); connecting may take 2 s (libpq's least).
    HEALTH_TIMEOUT = float(os.environ.get("HEALTH_TIMEOUT") or 1)

    SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")  # console | memory | http | file
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "console")
    SMS_API_URL = os.environ.get("SMS_API_URL", "")
    SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
    EMAIL_API_URL = os.environ.get("EMAIL_API_URL", "")
    EMAIL_API_KEY = os.environ.get("EMAIL_API_KEY", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Marketplace <no-reply@marketplace.local>")

    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")  # local | s3
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "")  # default: instance/uploads
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_REGION = os.environ.get("S3_REGION", "us-east-1")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "") or None
    S3_PUBLIC_URL = os.environ.get("S3_PUBLIC_URL", "")

    CORS_ORIGINS = [o.strip() for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()]
    # Set: SMS/email go through an RQ queue on this Redis (run `flask worker`); empty: sent inline.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOB_MAX_RETRIES = env_int("JOB_MAX_RETRIES", 3)
    JOB_RETRY_INTERVALS = [int(s) for s in os.environ.get("JOB_RETRY_INTERVALS", "10,30,60").split(",") if s.strip()]
    JOB_FAILURE_TTL = env_int("JOB_FAILURE_TTL", 7 * 24 * 3600)  # seconds a dead job stays for operators
    SMS_OUTBOX_FILE = os.environ.get("SMS_OUTBOX_FILE", "")  # `file` backend: JSON lines appended here
    EMAIL_OUTBOX_FILE = os.environ.get("EMAIL_OUTBOX_FILE", "")
    # /metrics answers these addresses (IPs or CIDRs, comma separated) or a bearer METRICS_TOKEN.
    METRICS_ALLOWED_IPS = [s.strip() for s in os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",") if s.strip()]
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # How many reverse proxies (nginx, a load balancer) stand in front: their X-Forwarded-* are
    # believed so rate limits see the client's address, not the proxy's. 0: none (direct).
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
    SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    SEND_FILE_MAX_AGE_DEFAULT = timedelta(days=365)
    # false when nginx compresses instead (docs/deploy.md): saves the app's CPU.
    COMPRESS_REGISTER = env_bool("COMPRESS_IN_APP", True)
    # Fast levels: every HTML response is compressed by the worker, cached pages included. A 40 KB
    # listing page (bench/README.md): brotli quality 1 costs 0.12 ms (quality 2: 0.28, Flask-Compress's
    # 4: 0.66) for 5 % more bytes; gzip level 1, nginx's default, 0.34 ms (6: 0.70) for 9 % more;
    # zstd keeps its own default (3: 0.13 ms, the smallest of the fast ones), and current browsers ask for it.
    COMPRESS_BR_LEVEL = env_int("COMPRESS_BR_LEVEL", 1)
    COMPRESS_LEVEL = env_int("COMPRESS_GZIP_LEVEL", 1)
    COMPRESS_MIMETYPES = [
        "text/html", "text/css", "application/javascript", "text/javascript",
        "application/json", "image/svg+xml",
    ]
    CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    # Anonymous storefront pages kept per process (marketplace/web/page_cache.py): 7-9 KB each compressed, a
    # product page (kept as text for its form's token) 25-50 KB; 0: off.
    PAGE_CACHE_SIZE = env_int("PAGE_CACHE_SIZE", 1024)
    # Share them between processes and hosts through a Redis meant for caching (allkeys-lru; not
    # the one holding jobs and rate limits); empty: each process keeps its own only.
    PAGE_CACHE_REDIS_URL = os.environ.get("PAGE_CACHE_REDIS_URL", "")
    PAGE_CACHE_TTL = env_int("PAGE_CACHE_TTL", 600)

    # Online payment providers (README "Online payment providers"), read when PAYMENT_PROVIDER names them.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")  # whsec_...: the endpoint's signing secret
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")  # for Stripe Elements in the browser
    VNPAY_TMN_CODE = os.environ.get("VNPAY_TMN_CODE", "")
    VNPAY_HASH_SECRET = os.environ.get("VNPAY_HASH_SECRET", "")
    VNPAY_PAY_URL = os.environ.get("VNPAY_PAY_URL", "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html")
    VNPAY_API_URL = os.environ.get("VNPAY_API_URL", "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction")


class DevelopmentConfig(Config):
    DEBUG = env_bool("FLASK_DEBUG", False)
    # The console backends print every OTP to the log so a developer can log in.


class TestingConfig(Config):
    TESTING = True
    DEFAULT_LOCALE = "en"  # the suite reads English unless a test asks for Vietnamese
    # The suite's amounts are US cents ($3.00 shipping) unless a test asks for VND (make_test_config).
    CURRENCY = "USD"
    SHIPPING_FEE = 300
    PAYOUT_MINIMUM = 1000
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "")
    RATELIMIT_ENABLED = False
    SMS_BACKEND = "memory"
    EMAIL_BACKEND = "memory"
    REDIS_URL = ""  # messages stay in the in-process outbox; job tests opt in explicitly
    PAGE_CACHE_REDIS_URL = ""  # the page cache tests opt in
    SERVER_NAME = None
    BCRYPT_ROUNDS = 4  # bcrypt's minimum: tests hash many passwords


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"
    # Limits must be shared by every worker and host: Redis unless told otherwise.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or Config.REDIS_URL or "memory://"

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that are only safe on a laptop."""
        if cls.SECRET_KEY == DEFAULT_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("Production needs SECRET_KEY set to a random value of 32+ characters.")
        if not cls.SQLALCHEMY_DATABASE_URI:
            raise RuntimeError("Production needs DATABASE_URL; the embedded database is for development.")
        if (cls.RATELIMIT_ENABLED and cls.RATELIMIT_STORAGE_URI.startswith("memory://")
                and not os.environ.get("RATELIMIT_STORAGE_URI")):
            # Each worker would count on its own: limits multiplied by the number of processes.
            raise RuntimeError("Production needs shared rate-limit storage: set REDIS_URL or RATELIMIT_STORAGE_URI "
                               "(RATELIMIT_STORAGE_URI=memory:// only for a single process).")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    return CONFIGS[os.environ.get("MARKETPLACE_ENV", "development").lower()]
