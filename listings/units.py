"""Units of measure (计量单位) as a reader sees them. A listing stores the seller's unit as
typed (Chinese: 件, 吨, 平方米…); the common ones are shown in the reader's language, in the
singular or plural the quantity asks for ("/ piece", "100 pieces"); any other unit as typed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import npgettext

# One literal call per unit, so that makemessages finds each (context "unit").
_UNITS: dict[str, Callable[[int], str]] = {
    "件": lambda n: npgettext("unit", "件", "件", n),
    "个": lambda n: npgettext("unit", "个", "个", n),
    "只": lambda n: npgettext("unit", "只", "只", n),
    "块": lambda n: npgettext("unit", "块", "块", n),
    "把": lambda n: npgettext("unit", "把", "把", n),
    "条": lambda n: npgettext("unit", "条", "条", n),
    "片": lambda n: npgettext("unit", "片", "片", n),
    "根": lambda n: npgettext("unit", "根", "根", n),
    "支": lambda n: npgettext("unit", "支", "支", n),
    "盏": lambda n: npgettext("unit", "盏", "盏", n),
    "千件": lambda n: npgettext("unit", "千件", "千件", n),
    "千只": lambda n: npgettext("unit", "千只", "千只", n),
    "台": lambda n: npgettext("unit", "台", "台", n),
    "辆": lambda n: npgettext("unit", "辆", "辆", n),
    "套": lambda n: npgettext("unit", "套", "套", n),
    "组": lambda n: npgettext("unit", "组", "组", n),
    "副": lambda n: npgettext("unit", "副", "副", n),
    "双": lambda n: npgettext("unit", "双", "双", n),
    "对": lambda n: npgettext("unit", "对", "对", n),
    "张": lambda n: npgettext("unit", "张", "张", n),
    "卷": lambda n: npgettext("unit", "卷", "卷", n),
    "盘": lambda n: npgettext("unit", "盘", "盘", n),
    "盒": lambda n: npgettext("unit", "盒", "盒", n),
    "箱": lambda n: npgettext("unit", "箱", "箱", n),
    "包": lambda n: npgettext("unit", "包", "包", n),
    "袋": lambda n: npgettext("unit", "袋", "袋", n),
    "桶": lambda n: npgettext("unit", "桶", "桶", n),
    "瓶": lambda n: npgettext("unit", "瓶", "瓶", n),
    "批": lambda n: npgettext("unit", "批", "批", n),
    "打": lambda n: npgettext("unit", "打", "打", n),
    "吨": lambda n: npgettext("unit", "吨", "吨", n),
    "公斤": lambda n: npgettext("unit", "公斤", "公斤", n),
    "千克": lambda n: npgettext("unit", "千克", "千克", n),
    "克": lambda n: npgettext("unit", "克", "克", n),
    "斤": lambda n: npgettext("unit", "斤", "斤", n),
    "米": lambda n: npgettext("unit", "米", "米", n),
    "千米": lambda n: npgettext("unit", "千米", "千米", n),
    "平方米": lambda n: npgettext("unit", "平方米", "平方米", n),
    "平方尺": lambda n: npgettext("unit", "平方尺", "平方尺", n),
    "立方米": lambda n: npgettext("unit", "立方米", "立方米", n),
    "升": lambda n: npgettext("unit", "升", "升", n),
}


def unit_label(unit: str, count: int | None = 1) -> str:
    """`unit` for `count` of it, in the active language (an unknown unit as it is)."""
    name = (unit or "").strip()
    form = _UNITS.get(name)
    return form(count if count is not None else 1) if form else name
