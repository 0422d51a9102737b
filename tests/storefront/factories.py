"""Factories for the storefront tests."""

import io

import factory
from PIL import Image, PngImagePlugin

from storefront.models import Domain, MailMessage
from tests.factories import CompanyFactory


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"shop{n}.cn")
    display_name = factory.LazyAttribute(lambda o: o.name)
    suffix = ".cn"
    registrar = "local"
    registrar_ref = factory.Sequence(lambda n: f"LOCAL-TEST{n:04d}")


class MailMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailMessage

    company = factory.SubFactory(CompanyFactory)
    recipient = factory.LazyAttribute(lambda o: f"{o.company.member_id}@mail.localhost")
    envelope_from = "buyer@example.com"
    from_header = "采购部 <buyer@example.com>"
    subject = "询价：不锈钢无缝钢管"
    text_body = "请报价。"
    size = 1000


def png_bytes(size: tuple[int, int] = (40, 30), color=(200, 80, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def png_of_exact_size(total: int) -> bytes:
    """A valid PNG of exactly `total` bytes (padded with an uncompressed text chunk)."""
    base = png_bytes()
    info = PngImagePlugin.PngInfo()
    info.add_text("pad", "")
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 20)).save(out, "PNG", pnginfo=info)
    empty = len(out.getvalue())
    assert total >= empty > len(base)
    info = PngImagePlugin.PngInfo()
    info.add_text("pad", "x" * (total - empty))
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 20)).save(out, "PNG", pnginfo=info)
    data = out.getvalue()
    assert len(data) == total, (len(data), total)
    return data
