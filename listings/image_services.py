"""Business actions on a listing's images (R-L5, R-L2; issue 15): add, remove, reorder.

Each image is two files written by Pillow (listings/images.py): the R-L5 display image and
the large version of the gallery. An upload that is refused, or a database write that fails,
leaves the listing's images and the media folder as they were. Any change of a live
listing's images, the order included, sends it back through review (R-L2: "any edit of a
live listing's text or images").
"""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext

from .exceptions import InvalidListing, TooManyImages
from .images import MAX_IMAGES_PER_LISTING, process_listing_upload
from .models import Listing, ListingImage
from .services import _lock, _refresh_instance, _submit

Status = Listing.Status


def _storage():
    return ListingImage._meta.get_field("image").storage


def listing_image_add(*, listing: Listing, upload) -> ListingImage:
    """R-L5: convert an upload to the stored form (and its large version) and attach it last
    (at most six). A refused upload changes nothing; adding an image to a live listing sends
    it back to review."""
    processed = process_listing_upload(upload)  # raises before anything is stored
    stem = uuid.uuid4().hex
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(listing)
            images = ListingImage.objects.filter(listing=locked)
            if images.count() >= MAX_IMAGES_PER_LISTING:
                raise TooManyImages()
            last = images.order_by("-position").values_list("position", flat=True).first()
            display, large = processed.display, processed.large
            image = ListingImage(
                listing=locked,
                width=display.width,
                height=display.height,
                format=display.format,
                bytes=display.bytes,
                large_width=large.width,
                large_height=large.height,
                large_bytes=large.bytes,
                position=(last + 1) if last is not None else 0,
            )
            image.image.save(
                f"{stem}.{display.extension}", ContentFile(display.content), save=False
            )
            stored.append(image.image.name)
            image.large.save(f"{stem}.{large.extension}", ContentFile(large.content), save=False)
            stored.append(image.large.name)
            image.save()
            if locked.status == Status.LIVE:
                _submit(locked)
            _refresh_instance(listing, locked)
    except BaseException:
        for name in stored:  # the row was not committed: its files go too
            _storage().delete(name)
        raise
    return image


@transaction.atomic
def listing_image_remove(*, image: ListingImage) -> None:
    """Remove an image (both files, once committed); a live listing goes back to review
    (R-L2). The others keep their order."""
    locked = _lock(image.listing_id)
    names = [n for n in (image.image.name, image.large.name) if n]
    ListingImage.objects.filter(pk=image.pk).delete()
    _renumber(locked, list(locked.images.order_by("position", "id").values_list("pk", flat=True)))
    if locked.status == Status.LIVE:
        _submit(locked)
    storage = _storage()
    transaction.on_commit(lambda: [storage.delete(n) for n in names])


def _renumber(listing: Listing, ids: list[int]) -> bool:
    """Positions 0, 1, 2… in the order of `ids`; True if any position changed."""
    changed = False
    current = dict(ListingImage.objects.filter(listing=listing).values_list("pk", "position"))
    for position, pk in enumerate(ids):
        if current.get(pk) != position:
            ListingImage.objects.filter(pk=pk).update(position=position)
            changed = True
    return changed


@transaction.atomic
def listing_image_reorder(*, listing: Listing, image_ids: list[int]) -> list[ListingImage]:
    """Put the listing's images in the order of `image_ids` (each of its images exactly
    once; the first is shown on cards). A changed order of a live listing sends it back to
    review (R-L2); the same order changes nothing."""
    locked = _lock(listing)
    current = list(locked.images.order_by("position", "id").values_list("pk", flat=True))
    ids = [int(pk) for pk in image_ids]
    if sorted(ids) != sorted(current):
        raise InvalidListing(
            gettext("图片顺序需要包含该信息的每张图片各一次，请刷新页面后再试。"),
            fields={"ids": [gettext("请列出该信息的每张图片各一次。")]},
        )
    if ids != current and _renumber(locked, ids) and locked.status == Status.LIVE:
        _submit(locked)
    _refresh_instance(listing, locked)
    return list(locked.images.order_by("position", "id"))


def listing_image_move(*, image: ListingImage, step: int) -> list[ListingImage]:
    """Move one image `step` places (−1 earlier, +1 later) within its listing's order; at
    either end it stays where it is."""
    listing = image.listing
    ids = list(listing.images.order_by("position", "id").values_list("pk", flat=True))
    at = ids.index(image.pk)
    to = max(0, min(len(ids) - 1, at + step))
    ids.insert(to, ids.pop(at))
    return listing_image_reorder(listing=listing, image_ids=ids)
