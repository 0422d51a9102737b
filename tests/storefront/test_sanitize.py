"""Sanitising introductions and mail bodies with nh3: nothing executable gets through."""

from storefront.sanitize import introduction_clean, mail_html_clean

PREFIX = "/media/storefront/intro/"
ATTACK = (
    '<p onclick="steal()">欢迎<script>alert(1)</script></p>'
    '<img src="x" onerror="alert(1)">'
    '<img src="/media/storefront/intro/2026/11/a.jpg" width="300" height="200" alt="厂房">'
    '<a href="javascript:alert(1)">点我</a><a href="https://example.cn/">官网</a>'
    '<style>body{display:none}</style><iframe src="https://evil.example/"></iframe>'
    '<svg onload="alert(1)"></svg><p style="position:fixed">x</p>'
)


def test_introduction_drops_scripts_handlers_and_foreign_images():
    out = introduction_clean(ATTACK, image_prefix=PREFIX)
    lowered = out.lower()
    for bad in ("<script", "alert", "onerror", "onclick", "onload", "javascript:", "<style",
                "<iframe", "<svg", "style=", 'src="x"'):  # fmt: skip
        assert bad not in lowered, bad
    assert '<img src="/media/storefront/intro/2026/11/a.jpg" width="300" height="200"' in out
    assert '<a href="https://example.cn/" rel="noopener noreferrer nofollow">官网</a>' in out
    assert "<p>欢迎</p>" in out


def test_introduction_images_only_from_our_uploads():
    for src in ("https://evil.example/a.jpg", "/media/other/a.jpg",
                "/media/storefront/intro/../../secret.jpg", "data:image/png;base64,AAAA"):  # fmt: skip
        out = introduction_clean(f'<img src="{src}">', image_prefix=PREFIX)
        assert "src=" not in out, src


def test_introduction_keeps_the_formatting_a_member_needs():
    html = '<h2>公司简介</h2><ul><li>年产 5 万吨</li></ul><table><tr><td colspan="2">表</td></tr></table>'
    out = introduction_clean(html, image_prefix=PREFIX)
    assert "<h2>公司简介</h2>" in out and "<li>年产 5 万吨</li>" in out
    assert 'colspan="2"' in out


def test_mail_inline_images_point_at_their_attachment_and_remote_ones_go():
    html = (
        '<div>见图<img src="cid:logo@x"><img src="https://tracker.example/p.gif">'
        '<img src="cid:unknown@x"></div><script>x()</script>'
    )
    out = mail_html_clean(html, cid_urls={"<logo@x>": "/my/mailbox/1/attachments/2/"})
    assert '<img src="/my/mailbox/1/attachments/2/">' in out
    assert "tracker" not in out and "cid:" not in out and "<script" not in out
