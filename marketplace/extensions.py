"""Bare extension instances, bound to the app in `create_app`."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from marketplace.database import RoutingSession
from marketplace.models.base import Base

db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def redis_options(config) -> dict:
    """Options of every Redis client of the app: a Redis that hangs costs a request these
    timeouts, then the caller does without it (rate limits, jobs, page cache, /health)."""
    return {"socket_connect_timeout": config["REDIS_SOCKET_CONNECT_TIMEOUT"],
            "socket_timeout": config["REDIS_SOCKET_TIMEOUT"]}
