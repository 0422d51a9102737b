"""Issue 15: the demo's product pictures are drawn objects with shading and the product's
name, chosen by the product, the same for the same listing and different between
listings; every product of the demo catalogue has an object of its own."""

import io

import pytest
from PIL import Image

from demo.listings_catalogue import TREE
from demo.pictures import RULES, SIDE, choose, product_picture

PRODUCTS = [(p, k) for _, _, children in TREE for _, _, items in children for p, k, *_ in items]


@pytest.mark.parametrize(
    ("product", "keyword", "kind"),
    [
        ("无缝钢管", "无缝钢管", "pipes"),
        ("热轧中厚板", "中厚板", "sheets"),
        ("高强度螺栓", "螺栓", "bolts"),
        ("真丝双绉面料", "真丝面料", "rolls"),
        ("五层瓦楞纸箱", "瓦楞纸箱", "boxes"),
        ("防腐防锈漆", "防锈漆", "bottles"),
        ("聚丙烯颗粒", "聚丙烯", "pile"),
        ("冰糖心苹果", "苹果", "fruit"),  # not a heap of sugar
        ("电源管理芯片", "电源芯片", "chips"),  # not a pipe (管理)
        ("LED平板灯", "平板灯", "lamp"),  # not a plate (板)
        ("深沟球轴承", "深沟球轴承", "rings"),
        ("不锈钢离心泵", "离心泵", "motor"),
        ("气动球阀", "球阀", "valve"),
    ],
)
def test_the_object_follows_the_product(product, keyword, kind):
    assert choose(product, keyword)[0] == kind


def test_every_catalogue_product_has_its_own_object():
    for product, keyword in PRODUCTS:
        text = f"{product} {keyword}"
        assert any(any(w in text for w in words) for words, _, _ in RULES), product


def _picture(*args, **kw) -> Image.Image:
    return Image.open(io.BytesIO(product_picture(*args, **kw))).convert("RGB")


def test_same_listing_same_picture_other_listing_other_picture():
    one = product_picture("无缝钢管", "无缝钢管", seed="hzsteel", variant=0)
    assert product_picture("无缝钢管", "无缝钢管", seed="hzsteel", variant=0) == one
    assert product_picture("无缝钢管", "无缝钢管", seed="szsteel", variant=0) != one
    assert product_picture("无缝钢管", "无缝钢管", seed="hzsteel", variant=1) != one


@pytest.mark.parametrize("product", ["无缝钢管", "冰糖心苹果", "防腐防锈漆", "数控车床"])
def test_a_picture_is_shaded_not_flat(product):
    picture = _picture(product, seed="demo")
    assert picture.size == (SIDE, SIDE)
    scene = picture.crop((60, 110, SIDE - 60, 700))  # the object's part, above the label
    assert len(scene.getcolors(maxcolors=1 << 20)) > 600  # gradients and light, not flat fills
    label = picture.crop((60, SIDE - 150, SIDE - 60, SIDE - 80)).convert("L")
    assert label.getextrema()[0] < 80  # dark text of the product name on the white label
