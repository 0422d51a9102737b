"""Pure rules: own-domain labels (R-F2), shop hosts (R-F1), mailbox (R-F3). No database."""

import idna
import pytest

from storefront import rules


class TestLabelCheck:
    def test_63_characters_is_the_longest_label(self):
        check = rules.label_check("a" * 63)
        assert check.ok
        assert check.ascii_label == "a" * 63

    def test_64_characters_is_invalid_and_says_so(self):
        check = rules.label_check("a" * 64)
        assert check.reason == rules.REASON_INVALID
        assert "63" in check.message and "64" in check.message

    def test_one_character_is_valid(self):
        assert rules.label_check("7").ok

    @pytest.mark.parametrize("name", ["-hzsteel", "hzsteel-", "-"])
    def test_leading_or_trailing_hyphen_is_invalid(self, name):
        check = rules.label_check(name)
        assert check.reason == rules.REASON_INVALID
        assert "连字符" in check.message

    def test_inner_hyphen_is_valid(self):
        assert rules.label_check("hz-steel").ok

    def test_hyphens_in_third_and_fourth_place_are_kept_for_idna(self):
        assert rules.label_check("ab--cd").reason == rules.REASON_INVALID

    @pytest.mark.parametrize("name", ["", "   ", "hz steel", "hz_steel", "hz!", "hzsteel.cn"])
    def test_other_characters_are_invalid(self, name):
        check = rules.label_check(name)
        assert check.reason == rules.REASON_INVALID
        assert check.message

    def test_a_suffix_typed_into_the_name_is_explained(self):
        assert "后缀" in rules.label_check("hzsteel.cn").message

    def test_upper_case_and_full_width_letters_are_normalised(self):
        assert rules.label_check("HzSteel").ascii_label == "hzsteel"
        assert rules.label_check("ｈｚｓｔｅｅｌ").ascii_label == "hzsteel"

    @pytest.mark.parametrize("name", ["www", "mail", "gov", "com", "zj", "alibaba", "1688"])
    def test_reserved_names(self, name):
        check = rules.label_check(name)
        assert check.reason == rules.REASON_RESERVED
        assert "保留" in check.message

    def test_chinese_name_goes_through_idna(self):
        check = rules.label_check("华钢管业")
        assert check.ok
        assert check.unicode_label == "华钢管业"
        assert check.ascii_label == "xn--vhqr0k3x5bs5u"
        assert idna.decode(check.ascii_label) == "华钢管业"

    def test_chinese_name_mixed_with_letters_and_digits(self):
        check = rules.label_check("华钢88")
        assert check.ok and check.ascii_label.startswith("xn--")

    def test_pasted_a_label_is_read_as_the_chinese_name(self):
        check = rules.label_check("xn--vhqr0k3x5bs5u")
        assert check.ok and check.unicode_label == "华钢管业"

    def test_broken_a_label_is_invalid(self):
        assert rules.label_check("xn--zzzzzz-").reason == rules.REASON_INVALID

    def test_chinese_name_too_long_in_idna_form_is_invalid(self):
        name = "杭州华钢管业有限公司不锈钢无缝钢管制造销售中心欢迎您"
        assert len("xn--" + name.encode("punycode").decode()) > 63
        check = rules.label_check(name)
        assert check.reason == rules.REASON_INVALID
        assert "63" in check.message

    def test_chinese_name_with_hyphen_at_the_end_is_invalid(self):
        assert rules.label_check("华钢-").reason == rules.REASON_INVALID

    def test_other_scripts_and_symbols_are_invalid(self):
        assert rules.label_check("сталь").reason == rules.REASON_INVALID
        assert rules.label_check("华钢★").reason == rules.REASON_INVALID

    def test_reserved_chinese_name(self):
        assert rules.label_check("中国").reason == rules.REASON_RESERVED


def test_suffixes():
    assert rules.suffixes_for("all") == (".cn", ".com.cn", ".net.cn")
    assert rules.suffixes_for(".com.cn") == (".com.cn",)
    with pytest.raises(ValueError):
        rules.suffixes_for(".com")


def test_domain_reserved_by_platform():
    platform = ["www.example.cn", ".example.net.cn", "shop.localhost"]
    assert rules.domain_reserved_by_platform("example.cn", platform)
    assert rules.domain_reserved_by_platform("www.example.cn", platform)
    assert rules.domain_reserved_by_platform("example.net.cn", platform)
    assert not rules.domain_reserved_by_platform("hzsteel.cn", platform)
    assert not rules.domain_reserved_by_platform("ample.cn", platform)


class TestStorefrontSubdomain:
    def test_single_label_under_the_zone(self):
        assert rules.storefront_subdomain("hzsteel.shop.localhost", "shop.localhost") == (
            True,
            "hzsteel",
        )

    def test_case_and_trailing_dot(self):
        assert rules.storefront_subdomain("HZSteel.Shop.Localhost.", "shop.localhost") == (
            True,
            "hzsteel",
        )

    def test_nested_label_is_in_the_zone_but_no_shop(self):
        assert rules.storefront_subdomain("a.b.shop.localhost", "shop.localhost") == (True, None)

    def test_zone_itself_and_other_hosts_are_outside(self):
        assert rules.storefront_subdomain("shop.localhost", "shop.localhost") == (False, None)
        assert rules.storefront_subdomain("example.com", "shop.localhost") == (False, None)
        assert rules.storefront_subdomain("evilshop.localhost", "shop.localhost") == (False, None)


class TestMailbox:
    def test_member_id_of_an_address(self):
        assert rules.mailbox_member_id("hzsteel@mail.localhost", "mail.localhost") == "hzsteel"
        assert rules.mailbox_member_id("<HZSteel@Mail.Localhost>", "mail.localhost") == "hzsteel"

    def test_other_domains_and_garbage(self):
        assert rules.mailbox_member_id("hzsteel@example.com", "mail.localhost") is None
        assert rules.mailbox_member_id("hzsteel", "mail.localhost") is None
        assert rules.mailbox_member_id("@mail.localhost", "mail.localhost") is None

    def test_quota_exactly_full_is_accepted_one_byte_over_is_not(self):
        quota = 5 * 1024 * 1024
        assert rules.quota_allows(used=quota - 100, incoming=100, quota=quota)
        assert not rules.quota_allows(used=quota - 100, incoming=101, quota=quota)
        assert rules.quota_allows(used=0, incoming=quota, quota=quota)
        assert not rules.quota_allows(used=0, incoming=quota + 1, quota=quota)
