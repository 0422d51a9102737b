"""Favourites: buyers keep favourite listings and suppliers (pages and API)."""

import pytest
from django.test import Client

from inquiries import services
from inquiries.models import Favourite
from marketplace.exceptions import DomainError
from tests.conftest import auth_client
from tests.factories import CompanyFactory, UserFactory
from tests.inquiries.inquiry_factories import page_client, seller_and_listing

pytestmark = pytest.mark.django_db


def test_add_a_listing_and_a_supplier_once_each():
    _, listing = seller_and_listing()
    user = UserFactory()
    a = services.favourite_add(user=user, listing=listing)
    assert services.favourite_add(user=user, listing=listing.pk).pk == a.pk
    b = services.favourite_add(user=user, company=listing.company)
    assert services.favourite_add(user=user, company=listing.company).pk == b.pk
    assert Favourite.objects.filter(user=user).count() == 2


def test_only_live_listings_can_be_added():
    _, listing = seller_and_listing(status="draft")
    with pytest.raises(DomainError) as exc:
        services.favourite_add(user=UserFactory(), listing=listing)
    assert exc.value.status_code == 404


def test_remove_only_ones_own_favourite():
    _, listing = seller_and_listing()
    owner, other = UserFactory(), UserFactory()
    fav = services.favourite_add(user=owner, listing=listing)
    with pytest.raises(DomainError):
        services.favourite_remove(user=other, favourite_id=fav.pk)
    services.favourite_remove(user=owner, favourite_id=fav.pk)
    assert not Favourite.objects.exists()


def test_favourite_pages():
    _, listing = seller_and_listing(title="供应精密钢管")
    user = UserFactory()
    client = page_client(user)
    assert "还没有收藏信息" in client.get("/my/favourites/").content.decode()
    resp = client.post(
        "/my/favourites/add/", {"listing": listing.pk, "next": f"/listings/{listing.pk}/"}
    )
    assert resp.status_code == 302 and resp["Location"] == f"/listings/{listing.pk}/"
    client.post("/my/favourites/add/", {"member_id": listing.company.member_id})
    assert "供应精密钢管" in client.get("/my/favourites/").content.decode()
    suppliers = client.get("/my/favourites/?tab=suppliers").content.decode()
    assert listing.company.name in suppliers
    fav = Favourite.objects.get(user=user, listing=listing)
    # Removing asks to confirm first (GET), removes on POST.
    confirm = client.get(f"/my/favourites/{fav.pk}/remove/")
    assert confirm.status_code == 200 and "确定要把" in confirm.content.decode()
    assert Favourite.objects.filter(pk=fav.pk).exists()
    assert client.post(f"/my/favourites/{fav.pk}/remove/").status_code == 302
    assert not Favourite.objects.filter(pk=fav.pk).exists()


def test_someone_elses_favourite_is_404_and_sign_in_is_needed():
    _, listing = seller_and_listing()
    fav = services.favourite_add(user=UserFactory(), listing=listing)
    assert page_client(UserFactory()).post(f"/my/favourites/{fav.pk}/remove/").status_code == 404
    assert Client().get("/my/favourites/").status_code == 302
    assert (
        page_client(UserFactory()).post("/my/favourites/add/", {"listing": "x"}).status_code == 404
    )


def test_favourites_api():
    _, listing = seller_and_listing()
    supplier = CompanyFactory()
    user = UserFactory()
    client = auth_client(user)
    resp = client.post("/api/v1/favourites/", {"listing": listing.pk}, format="json")
    assert resp.status_code == 201 and resp.json()["listing"]["id"] == listing.pk
    resp = client.post("/api/v1/favourites/", {"member_id": supplier.member_id}, format="json")
    assert resp.status_code == 201 and resp.json()["company"]["member_id"] == supplier.member_id
    assert client.post("/api/v1/favourites/", {}, format="json").status_code == 400
    assert client.get("/api/v1/favourites/").json()["count"] == 1
    assert client.get("/api/v1/favourites/?kind=suppliers").json()["count"] == 1
    fav_id = Favourite.objects.get(user=user, listing=listing).pk
    assert auth_client(UserFactory()).delete(f"/api/v1/favourites/{fav_id}/").status_code == 404
    assert client.delete(f"/api/v1/favourites/{fav_id}/").status_code == 204
