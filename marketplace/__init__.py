"""The marketplace application factory."""
from pathlib import Path

from flask import Flask

from config import Config, ProductionConfig, config_from_env
from marketplace.web.translated_templates import TranslatedEnvironment


class Marketplace(Flask):
    jinja_environment = TranslatedEnvironment  # templates compiled per language, their messages translated in


def create_app(config: type[Config] | None = None) -> Flask:
    config = config or config_from_env()
    if issubclass(config, ProductionConfig):
        config.check()
    app = Marketplace(
        __name__,
        instance_path=str(Path(__file__).resolve().parent.parent / "instance"),
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(config)
    Path(app.instance_path).mkdir(exist_ok=True)

    from marketplace import metrics, web
    from marketplace.web import errors, hooks, i18n, json_input, templating, unit_of_work

    json_input.use_json_input(app)
    web.trust_proxies(app)
    web.configure_logging(app)
    web.configure_database(app)
    unit_of_work.init_app(app)  # first of the request hooks, so its commit runs after all the others
    web.register_extensions(app)
    i18n.init_app(app)
    register_blueprints(app)
    errors.register_error_handlers(app)
    hooks.register_request_hooks(app)
    metrics.init_app(app)
    templating.register_template_helpers(app)
    register_commands(app)
    return app


def register_blueprints(app: Flask) -> None:
    from marketplace.account import bp as account_bp
    from marketplace.admin import bp as admin_bp
    from marketplace.api import bp as api_bp
    from marketplace.cart import bp as cart_bp
    from marketplace.catalog import bp as catalog_bp
    from marketplace.checkout import bp as checkout_bp
    from marketplace.notifications import bp as notifications_bp
    from marketplace.orders import bp as orders_bp
    from marketplace.payments import bp as payments_bp
    from marketplace.returns import bp as returns_bp
    from marketplace.reviews import bp as reviews_bp
    from marketplace.seller import bp as seller_bp
    from marketplace.seo import bp as seo_bp
    from marketplace.shop import bp as shop_bp
    from marketplace.web.health import bp as ops_bp
    from marketplace.web.media import bp as media_bp
    from marketplace.wishlist import bp as wishlist_bp

    for blueprint in (ops_bp, media_bp, shop_bp, catalog_bp, cart_bp, checkout_bp, orders_bp, payments_bp, account_bp, reviews_bp,
                      returns_bp, notifications_bp, wishlist_bp, seller_bp, admin_bp, seo_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_commands(app: Flask) -> None:
    from marketplace import cli

    cli.register(app)
