"""Helpers for the search-engine tests: read a page's JSON-LD and head tags as crawlers do (extruct)."""
import gzip
from pathlib import Path

import extruct
from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "seo_schemas"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def structured(response, base_url: str = "http://localhost/") -> dict:
    """JSON-LD objects of a page by @type (a list each), and its Open Graph properties as a dict."""
    html = response.get_data(as_text=True)
    data = extruct.extract(html, base_url=base_url, syntaxes=["json-ld", "opengraph"], uniform=False)
    by_type: dict[str, list] = {}
    for item in data["json-ld"]:
        by_type.setdefault(item["@type"], []).append(item)
    og: dict[str, str] = {}
    for block in data["opengraph"]:
        for name, value in block["properties"]:
            og.setdefault(name, value)  # the first of a repeated property (og:locale:alternate)
    return {"ld": by_type, "og": og}


def one(found: dict, kind: str) -> dict:
    items = found["ld"].get(kind, [])
    assert len(items) == 1, f"{len(items)} {kind} objects: {sorted(found['ld'])}"
    return items[0]


def head_tags(response) -> etree._Element:
    return etree.HTML(response.get_data(as_text=True)).find("head")


def canonical(response) -> str | None:
    links = head_tags(response).xpath('link[@rel="canonical"]/@href')
    assert len(links) <= 1
    return links[0] if links else None


def robots(response) -> str | None:
    found = head_tags(response).xpath('meta[@name="robots"]/@content')
    return found[0] if found else None


def alternates(response) -> dict[str, str]:
    return {link.get("hreflang"): link.get("href") for link in head_tags(response).xpath('link[@rel="alternate"]')}


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def sitemap_xml(response) -> etree._Element:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/gzip"
    return etree.fromstring(gzip.decompress(response.get_data()))


def locs(tree: etree._Element) -> list[str]:
    return tree.xpath("/s:urlset/s:url/s:loc/text() | /s:sitemapindex/s:sitemap/s:loc/text()", namespaces=SITEMAP_NS)


def path_of(url: str) -> str:
    """'/s/x-1.xml.gz' of 'http://localhost/s/x-1.xml.gz'."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
