"""Crafted images for the upload-cost tests: tiny files whose headers promise huge pictures.

Each costs milliseconds to build; what it would cost to decode is the point of the tests.
"""
import io
import struct
import zlib

from PIL import Image, ImageFile


def huge_png(width: int = 8000, height: int = 5000) -> bytes:
    """A valid, fully decodable PNG of width x height black pixels (mode "1": a few KB)."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def header_only_png(width: int, height: int) -> bytes:
    """A PNG whose header says width x height (8-bit grey) but whose pixel data stops after a
    few rows, mid-stream: a decompression bomb's shape. Only a decoder would notice the data is
    missing (Pillow then raises "image file is truncated")."""
    stream = zlib.compressobj()
    rows = stream.compress(b"\0" * (1 + width) * 4) + stream.flush(zlib.Z_SYNC_FLUSH)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")


def animation(frames: int, size: tuple[int, int] = (4, 4), fmt: str = "GIF") -> bytes:
    """An animated GIF, WebP or PNG (APNG) of `frames` frames."""
    # Encoders merge consecutive frames that look alike: give each a clearly different colour.
    images = [Image.new("RGB", size, (i % 256, i * 37 % 256, i * 91 % 256)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, fmt, save_all=True, append_images=images[1:], duration=40, loop=0)
    return out.getvalue()


def jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(out, "JPEG", quality=80)
    return out.getvalue()


def count_decodes(monkeypatch) -> list:
    """Record every pixel decode from now on: the size of each image whose ImageFile.load had
    data left to decode (a load of an image already in memory does nothing and isn't counted)."""
    calls: list = []
    original = ImageFile.ImageFile.load

    def counting_load(image):
        if image.tile:
            calls.append(image.size)
        return original(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return calls
