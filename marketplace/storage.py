"""Where uploaded files live: local disk (default) or S3, behind one small interface.

Keys are random, e.g. "products/3f2a...e1.webp"; the database stores keys, never URLs,
so a shop can move from disk to S3 without touching a row.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from flask import current_app, url_for

MEDIA_URL = "media_url"  # in app.extensions: key -> URL of the local file, given by the web layer (web/media.py)


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...
    def delete(self, key: str) -> None: ...
    def url(self, key: str) -> str: ...
    def read(self, key: str) -> bytes: ...


class LocalStorage:
    """Files under UPLOAD_DIR (default instance/uploads), served by the `media` route.

    `url_of(key)` builds a file's URL: the web layer hands over its fast builder (listing cards
    build dozens); without one, url_for."""

    def __init__(self, root: Path, url_of: Callable[[str], str] | None = None):
        self.root = root
        self.url_of = url_of or (lambda key: url_for("media.serve", key=key))

    def _path(self, key: str) -> Path:
        # Keys are ours, but a key reaching here from a URL or a bad row must never
        # point outside the upload directory ("../", absolute paths, symlinks out).
        if not key or "\x00" in key or "\\" in key:
            raise ValueError("invalid storage key")
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the upload directory")
        return path

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def url(self, key: str) -> str:
        return self.url_of(key)


class S3Storage:
    """Objects in S3_BUCKET (any S3-compatible endpoint), served from S3_PUBLIC_URL or presigned URLs."""

    def __init__(self, bucket: str, region: str, endpoint_url: str | None, public_url: str):
        import boto3

        self.bucket = bucket
        self.public_url = public_url.rstrip("/")
        self.client = boto3.client("s3", region_name=region, endpoint_url=endpoint_url)

    def save(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type,
                               CacheControl="public, max-age=31536000, immutable")

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def read(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.client.exceptions.NoSuchKey as exc:  # same contract as LocalStorage.read
            raise FileNotFoundError(key) from exc

    def url(self, key: str) -> str:
        if self.public_url:
            return f"{self.public_url}/{quote(key)}"
        return self.client.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=3600)


def get_storage() -> Storage:
    """The configured backend, built once per app."""
    app = current_app._get_current_object()
    storage = app.extensions.get("storage")
    if storage is None:
        config = app.config
        if config["STORAGE_BACKEND"] == "s3":
            storage = S3Storage(config["S3_BUCKET"], config["S3_REGION"], config["S3_ENDPOINT_URL"], config["S3_PUBLIC_URL"])
        else:
            root = Path(config["UPLOAD_DIR"] or Path(app.instance_path) / "uploads")
            storage = LocalStorage(root, app.extensions.get(MEDIA_URL))
        app.extensions["storage"] = storage
    return storage


def media_url(key: str | None) -> str | None:
    return get_storage().url(key) if key else None
