"""Issue 15 (whole English): texts of the inquiries area in the reader's language; what is
stored (a storefront thread's subject) stays Chinese."""

from django.utils import translation

from inquiries.exceptions import InquiryRateLimited
from inquiries.forms import InquiryForm
from inquiries.models import STOREFRONT_SUBJECT, Inquiry
from inquiries.selectors import _duration_text
from inquiries.services import QUANTITY_MAX


def test_storefront_subject_is_stored_chinese_and_shown_translated():
    thread = Inquiry(subject=STOREFRONT_SUBJECT % {"name": "杭州钢管公司"})
    assert thread.subject == "来自商铺的留言：杭州钢管公司"
    assert thread.display_subject == thread.subject
    with translation.override("en"):
        assert thread.display_subject == "Message from the shop page: 杭州钢管公司"
    listing_thread = Inquiry(subject="来自商铺的留言：标题", listing_id=7)
    with translation.override("en"):
        assert listing_thread.display_subject == "来自商铺的留言：标题"  # a listing's title


def test_form_errors_and_service_texts_in_english():
    with translation.override("en"):
        form = InquiryForm({"message": "", "quantity": QUANTITY_MAX + 1})
        assert not form.is_valid()
        assert form.errors["message"] == [
            "Write your message, e.g. the specification, quantity and delivery time you need."
        ]
        assert form.errors["quantity"] == [f"The quantity cannot exceed {QUANTITY_MAX}."]
        detail = str(InquiryRateLimited(limit=20, retry_after=600).detail)
        assert detail.startswith("You can send at most 20 inquiries an hour")
        assert "about 10 minutes" in detail
        assert _duration_text(None) == "—"
    form = InquiryForm({"message": "", "quantity": QUANTITY_MAX + 1})
    form.is_valid()
    assert form.errors["quantity"] == [f"数量不能超过 {QUANTITY_MAX}。"]
