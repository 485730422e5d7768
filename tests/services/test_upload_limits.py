"""A form's uploads fit in one request: otherwise the browser gets a 413 and the typed text is lost."""
from config import Config
from marketplace.services.catalog.product_images import MAX_IMAGES
from marketplace.services.reviews.reviews import IMAGES_MAX

FORM_OVERHEAD = 1024 * 1024  # the text fields and multipart framing, generously


def test_a_full_product_or_review_form_fits_in_the_request_limit():
    for images in (MAX_IMAGES, IMAGES_MAX):
        assert images * Config.MAX_IMAGE_BYTES + FORM_OVERHEAD <= Config.MAX_CONTENT_LENGTH
