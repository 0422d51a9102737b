"""R-F3 enterprise mailbox: real SMTP (smtplib) to the aiosmtpd receiver on localhost."""

import contextlib
import smtplib
import socket
from email.message import EmailMessage

import pytest
from django.core import mail
from django.test import Client

from storefront import services
from storefront.models import MailAttachment, MailMessage
from tests.factories import TrustPassPeriodFactory, UserFactory
from tests.storefront.factories import MailMessageFactory, png_bytes

QUOTA = 5 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def receiver(transactional_db):
    from storefront.mail_receiver import make_controller

    controller = make_controller("127.0.0.1", free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def smtp(receiver):
    client = smtplib.SMTP("127.0.0.1", receiver.port, timeout=30)
    client.ehlo("buyer.example.com")
    yield client
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        client.quit()


@pytest.fixture
def tp_user(transactional_db):
    user = UserFactory()
    TrustPassPeriodFactory(company=user.company)
    return user


def address(company, settings) -> str:
    return f"{company.member_id}@{settings.MAIL_DOMAIN}"


def raw_message(to: str, *, body_size: int = 0, subject: str = "询价") -> bytes:
    """A plain message with CRLF line endings; `body_size` bytes of body lines."""
    head = (
        f"From: buyer@example.com\r\nTo: {to}\r\nSubject: {subject}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
    ).encode()
    line = b"x" * 998 + b"\r\n"
    body = line * (body_size // len(line))
    rest = body_size - len(body)
    if rest:
        body += b"y" * max(0, rest - 2) + b"\r\n"[: min(2, rest)]
    return head + body


def message_of_exact_size(to: str, size: int) -> bytes:
    data = raw_message(to)
    data = raw_message(to, body_size=size - len(data))
    assert len(data) == size and data.endswith(b"\r\n")
    return data


@pytest.mark.django_db(transaction=True)
class TestSmtp:
    def test_delivered_into_the_company_mailbox(self, smtp, tp_user, settings):
        to = address(tp_user.company, settings)
        msg = EmailMessage()
        msg["From"] = "张经理 <buyer@example.com>"
        msg["To"] = to
        msg["Subject"] = "询价：304 无缝钢管"
        msg.set_content("请报价 10 吨。")
        msg.add_alternative(
            '<p>请报价 <b>10 吨</b><script>alert(1)</script></p><img src=x onerror="alert(1)">',
            subtype="html",
        )
        msg.add_attachment(png_bytes(), maintype="image", subtype="png", filename="图纸.png")
        refused = smtp.send_message(msg, from_addr="buyer@example.com", to_addrs=[to.upper()])
        assert refused == {}
        stored = MailMessage.objects.get(company=tp_user.company)
        assert stored.subject == "询价：304 无缝钢管"
        assert stored.recipient == to
        assert "请报价 10 吨" in stored.text_body
        assert "<b>10 吨</b>" in stored.html_body
        assert "<script" not in stored.html_body and "onerror" not in stored.html_body
        attachment = stored.attachments.get()
        assert attachment.filename == "图纸.png" and attachment.size == len(png_bytes())

    def test_unknown_recipient_550(self, smtp, settings):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
            smtp.sendmail("a@example.com", [f"nosuchco@{settings.MAIL_DOMAIN}"], raw_message("x"))
        code, _text = next(iter(err.value.recipients.values()))
        assert code == 550
        assert not MailMessage.objects.exists()

    def test_other_domains_are_not_relayed(self, smtp, tp_user):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
            smtp.sendmail("a@example.com", [f"{tp_user.company.member_id}@example.com"], b"x\r\n")
        assert next(iter(err.value.recipients.values()))[0] == 550

    def test_company_that_is_not_trustpass_has_no_mailbox(self, smtp, settings):
        company = UserFactory().company
        with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
            smtp.sendmail("a@example.com", [address(company, settings)], raw_message("x"))
        assert next(iter(err.value.recipients.values()))[0] == 550

    def test_one_unknown_among_several_recipients(self, smtp, tp_user, settings):
        to = address(tp_user.company, settings)
        refused = smtp.sendmail(
            "a@example.com", [to, f"ghost@{settings.MAIL_DOMAIN}"], raw_message(to)
        )
        assert refused[f"ghost@{settings.MAIL_DOMAIN}"][0] == 550
        assert MailMessage.objects.filter(company=tp_user.company).count() == 1

    @pytest.mark.parametrize("announce_size", [True, False])
    def test_message_reaching_exactly_5_mb_is_accepted(
        self, smtp, tp_user, settings, announce_size
    ):
        to = address(tp_user.company, settings)
        MailMessageFactory(company=tp_user.company, size=1_000_000)
        data = message_of_exact_size(to, QUOTA - 1_000_000)
        if announce_size:  # smtplib announces SIZE= itself when the server offers it
            assert smtp.sendmail("a@example.com", [to], data) == {}
        else:
            assert send_without_size(smtp, to, data) == 250
        sizes = MailMessage.objects.filter(company=tp_user.company).values_list("size", flat=True)
        assert sum(sizes) == QUOTA

    def test_message_that_would_pass_5_mb_is_refused_552_after_data(self, smtp, tp_user, settings):
        to = address(tp_user.company, settings)
        MailMessageFactory(company=tp_user.company, size=1_000_000)
        data = message_of_exact_size(to, QUOTA - 1_000_000 + 1)
        assert send_without_size(smtp, to, data) == 552
        assert MailMessage.objects.filter(company=tp_user.company).count() == 1
        assert not MailAttachment.objects.exists()

    def test_message_announced_past_5_mb_is_refused_552_at_rcpt(self, smtp, tp_user, settings):
        to = address(tp_user.company, settings)
        MailMessageFactory(company=tp_user.company, size=1_000_000)
        data = message_of_exact_size(to, QUOTA - 1_000_000 + 1)
        with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
            smtp.sendmail("a@example.com", [to], data)
        assert next(iter(err.value.recipients.values()))[0] == 552
        assert MailMessage.objects.filter(company=tp_user.company).count() == 1

    def test_a_full_mailbox_accepts_again_after_a_delete(self, smtp, tp_user, settings):
        to = address(tp_user.company, settings)
        big = MailMessageFactory(company=tp_user.company, size=QUOTA)
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            smtp.sendmail("a@example.com", [to], raw_message(to))
        services.mail_message_delete(company=tp_user.company, message_id=big.pk)
        assert smtp.sendmail("a@example.com", [to], raw_message(to)) == {}
        assert MailMessage.objects.filter(company=tp_user.company).count() == 1


def send_without_size(smtp, to: str, data: bytes) -> int:
    """MAIL without SIZE=, so the quota is checked on the received message (after DATA)."""
    code, _ = smtp.mail("a@example.com")
    assert code == 250
    code, _ = smtp.rcpt(to)
    assert code == 250
    code, _ = smtp.data(data)
    return code


@pytest.mark.django_db
class TestMailboxPages:
    def deliver(self, company, settings, html="", attachment=None):
        to = address(company, settings)
        msg = EmailMessage()
        msg["From"] = "buyer@example.com"
        msg["To"] = to
        msg["Subject"] = "样品"
        msg.set_content("纯文本正文")
        if html:
            msg.add_alternative(html, subtype="html")
        if attachment:
            msg.add_attachment(
                attachment, maintype="application", subtype="pdf", filename="报价单.pdf"
            )
        return services.mail_deliver(
            recipients=[to], envelope_from="buyer@example.com", raw=msg.as_bytes()
        )[0]

    def client(self, user):
        c = Client()
        c.force_login(user)
        return c

    def test_list_read_and_quota(self, shop_user, settings):
        message = self.deliver(shop_user.company, settings)
        client = self.client(shop_user)
        body = client.get("/my/mailbox/").content.decode()
        assert f"{shop_user.company.member_id}@{settings.MAIL_DOMAIN}" in body
        assert "样品" in body and 'class="unread"' in body
        assert "已用空间" in body and "5.0\xa0MB" in body
        detail = client.get(f"/my/mailbox/{message.pk}/").content.decode()
        assert "纯文本正文" in detail
        message.refresh_from_db()
        assert message.read_at is not None

    def test_html_body_is_sanitised_on_the_page(self, shop_user, settings):
        message = self.deliver(
            shop_user.company,
            settings,
            html='<p>报价</p><script>alert(1)</script><img src="x" onerror="alert(1)">'
            '<a href="javascript:alert(1)">x</a>',
        )
        body = self.client(shop_user).get(f"/my/mailbox/{message.pk}/").content.decode().lower()
        assert "<p>报价</p>" in body
        assert "<script>alert" not in body and "onerror=" not in body and "javascript:" not in body

    def test_attachment_download(self, shop_user, settings):
        message = self.deliver(shop_user.company, settings, attachment=b"%PDF-1.4 quote")
        attachment = message.attachments.get()
        client = self.client(shop_user)
        response = client.get(f"/my/mailbox/{message.pk}/attachments/{attachment.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 quote"
        assert response["Content-Type"] == "application/octet-stream"
        assert "attachment;" in response["Content-Disposition"]
        # Private: not under MEDIA_ROOT.
        assert str(settings.MAILBOX_ROOT) in attachment.file.path

    def test_another_companys_message_is_404(self, shop_user, settings):
        message = self.deliver(shop_user.company, settings, attachment=b"secret")
        other = UserFactory()
        TrustPassPeriodFactory(company=other.company)
        client = self.client(other)
        attachment = message.attachments.get()
        assert client.get(f"/my/mailbox/{message.pk}/").status_code == 404
        assert (
            client.get(f"/my/mailbox/{message.pk}/attachments/{attachment.pk}/").status_code == 404
        )
        assert client.post(f"/my/mailbox/{message.pk}/delete/").status_code == 404
        assert MailMessage.objects.filter(pk=message.pk).exists()

    def test_delete_asks_first_then_removes_message_and_files(
        self, shop_user, settings, django_capture_on_commit_callbacks
    ):
        import os

        message = self.deliver(shop_user.company, settings, attachment=b"%PDF")
        path = message.attachments.get().file.path
        client = self.client(shop_user)
        confirm = client.get(f"/my/mailbox/{message.pk}/delete/").content.decode()
        assert "确定删除这封邮件吗" in confirm
        assert MailMessage.objects.filter(pk=message.pk).exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/my/mailbox/{message.pk}/delete/")
        assert response.status_code == 302
        assert not MailMessage.objects.filter(pk=message.pk).exists()
        assert not os.path.exists(path)

    def test_reply_goes_out_through_django_mail(self, shop_user, settings):
        message = self.deliver(shop_user.company, settings)
        client = self.client(shop_user)
        form = client.get(f"/my/mailbox/compose/?reply={message.pk}").content.decode()
        assert 'value="buyer@example.com"' in form and "Re: 样品" in form
        response = client.post(
            "/my/mailbox/compose/",
            {"to": "buyer@example.com", "subject": "Re: 样品", "body": "已寄出。"},
        )
        assert response.status_code == 302
        sent = mail.outbox[-1]
        assert sent.to == ["buyer@example.com"]
        assert f"{shop_user.company.member_id}@{settings.MAIL_DOMAIN}" in sent.from_email

    def test_ordinary_member_sees_why_there_is_no_mailbox(self):
        response = self.client(UserFactory()).get("/my/mailbox/")
        assert response.status_code == 403
        assert "企业邮箱是诚信通会员的专享服务" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_management_command_receives_mail_and_stops_on_sigterm(tp_user, settings, tmp_path):
    """`manage.py run_mail_receiver` (what `make mail` runs) in its own process."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from django.db import connection

    port = free_port()
    db = connection.settings_dict  # the test database, not the development one
    env = {
        **os.environ,
        "MAILBOX_ROOT": str(tmp_path / "mb"),
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}",
    }
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "run_mail_receiver", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                client = smtplib.SMTP("127.0.0.1", port, timeout=10)
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "receiver did not start"
                time.sleep(0.2)
        to = address(tp_user.company, settings)
        with client:
            assert client.sendmail("a@example.com", [to], raw_message(to)) == {}
        assert MailMessage.objects.filter(company=tp_user.company).count() == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "收信服务已停止" in output
