"""Search engines and link previews: robots.txt, the sitemaps, and what each storefront page's head says
about it (canonical, language versions, robots, Open Graph and Twitter tags, JSON-LD)."""
from flask import Blueprint

bp = Blueprint("seo", __name__)

from marketplace.seo import views  # noqa: E402,F401
