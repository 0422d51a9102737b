from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .rules import member_id_problem


def validate_member_id(value: str) -> None:
    problem = member_id_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_member_id")


class CompanyQuerySet(models.QuerySet):
    def with_trustpass(self, day):
        """Annotate `trustpass_now`: a period contains `day` (R-M2)."""
        return self.annotate(
            trustpass_now=Exists(
                TrustPassPeriod.objects.filter(
                    company=OuterRef("pk"), starts_on__lte=day, ends_on__gt=day
                )
            )
        )


class Company(models.Model):
    """A member (R-M1): a company with one or more user accounts."""

    member_id = models.CharField(
        _("会员ID"),
        max_length=30,
        unique=True,
        validators=[validate_member_id],
        help_text=_("3–30 个小写字母、数字或连字符，如 hzsteel；也是商铺网址的一部分。"),
    )
    name = models.CharField(_("企业名称"), max_length=100)
    contact_name = models.CharField(_("联系人"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=30)
    email = models.EmailField(_("电子邮箱"), blank=True)
    province = models.CharField(_("省份"), max_length=20, blank=True)
    city = models.CharField(_("城市"), max_length=30, blank=True)
    industry = models.CharField(_("主营行业"), max_length=50, blank=True)
    address = models.CharField(_("经营地址"), max_length=200, blank=True)
    summary = models.CharField(_("主营产品/简介"), max_length=300, blank=True)
    main_products = models.CharField(
        _("主营产品"),
        max_length=200,
        blank=True,
        help_text=_("用逗号或空格分隔，如：不锈钢板 钢管"),
    )
    # Re-encoded by Pillow before it is saved (marketplace.uploads).
    logo = models.ImageField(_("企业标志"), upload_to="logos/%Y/%m/", blank=True)
    # Denormalised by the verification service (R-C2) and the credit service (R-C6/R-C7).
    verified = models.BooleanField(_("已通过身份认证"), default=False)
    credit_score = models.IntegerField(_("信用积分"), default=0)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["member_id"]

    def __str__(self) -> str:
        return gettext("%(name)s（%(member_id)s）") % {
            "name": self.name,
            "member_id": self.member_id,
        }


class User(AbstractUser):
    class Role(models.TextChoices):
        """A colleague's role in the company (issue 14): what the account may do for it."""

        ADMIN = "admin", _("管理员")
        LISTINGS = "listings", _("产品信息")
        SALES = "sales", _("销售/询盘")

    company = models.ForeignKey(
        Company,
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    role = models.CharField(
        _("企业内角色"), max_length=10, choices=Role.choices, default=Role.ADMIN
    )
    # None until the member follows the confirmation link; a changed address is None again.
    email_confirmed_at = models.DateTimeField(_("邮箱确认时间"), null=True, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")


class TrustPassPeriod(models.Model):
    """R-M2: a dated TrustPass period [starts_on, ends_on)."""

    class Source(models.TextChoices):
        ORDER = "order", _("在线购买")
        STAFF = "staff", _("线下付款（工作人员开通）")
        DEMO = "demo", _("演示数据")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="trustpass_periods", verbose_name=_("企业")
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期（不含）"))
    source = models.CharField(
        _("来源"), max_length=10, choices=Source.choices, default=Source.STAFF
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("诚信通会员期")
        verbose_name_plural = _("诚信通会员期")
        ordering = ["company", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="trustpass_period_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["company", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.company.member_id} {self.starts_on}–{self.ends_on}"


class Notice(models.Model):
    """An in-site notice (站内信) to a company: review results, reminders, inquiries."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="notices", verbose_name=_("企业")
    )
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # Lets a sender make a notice exactly once (e.g. "reminder:30:<period id>").
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # Set once the e-mail copy went out (or was found to have no recipient): at most once.
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内信")
        verbose_name_plural = _("站内信")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["company", "read_at"])]

    def __str__(self) -> str:
        return self.title


class VerificationAgency(models.Model):
    """R-C2: an authorised third-party agency (认证机构) that verifies identities.

    Staff keep the list; a company picks one when it applies.
    """

    name = models.CharField(_("机构名称"), max_length=100, unique=True)
    description = models.CharField(_("简介"), max_length=200, blank=True)
    active = models.BooleanField(
        _("可选"), default=True, help_text=_("取消勾选后，新申请不能再选择该机构。")
    )
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("认证机构")
        verbose_name_plural = _("认证机构")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class VerificationApplication(models.Model):
    """R-C2: a company's application for identity verification (身份认证), decided by staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("审核中")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")
        REVOKED = "revoked", _("已撤销")

    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="verification_applications",
        verbose_name=_("企业"),
    )
    agency = models.ForeignKey(
        VerificationAgency,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("认证机构"),
    )
    registration_number = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    applicant_name = models.CharField(_("申请人（企业授权）"), max_length=50)
    applicant_title = models.CharField(_("申请人职务"), max_length=50, blank=True)
    applicant_phone = models.CharField(_("申请人电话"), max_length=30, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.CharField(_("驳回/撤销原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("提交人"),
    )
    decided_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    # The public code of the online identity certificate (专属网上身份证明), set on approval.
    certificate_code = models.CharField(
        _("身份证明验证码"), max_length=16, unique=True, null=True, blank=True
    )

    class Meta:
        verbose_name = _("身份认证申请")
        verbose_name_plural = _("身份认证申请")
        ordering = ["-created_at", "-id"]
        permissions = [("decide_verificationapplication", "可审核身份认证申请（批准、驳回、撤销）")]
        constraints = [
            # One open application per company; at most one approved one at a time.
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(status="pending"),
                name="verification_one_pending_per_company",
            ),
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(status="approved"),
                name="verification_one_approved_per_company",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(member_id)s %(number)s（%(status)s）") % {
            "member_id": self.company.member_id,
            "number": self.registration_number,
            "status": self.get_status_display(),
        }


class MembershipReminder(models.Model):
    """R-M4: the record that a renewal reminder went out, so each goes out exactly once.

    One row per company, membership end and threshold (30, 7 or 1 days). The reminder
    service locks the row before sending, so a second run of the beat task (or two at once)
    finds it done.
    """

    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="membership_reminders",
        verbose_name=_("企业"),
    )
    ends_on = models.DateField(_("会员到期日（不含）"))
    days_before = models.PositiveSmallIntegerField(_("提前天数"))
    email_to = models.CharField(_("收件地址"), max_length=254, blank=True)
    email_sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("站内信")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("续费提醒记录")
        verbose_name_plural = _("续费提醒记录")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "ends_on", "days_before"], name="membership_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(member_id)s 到期 %(ends_on)s 提前 %(days)s 天") % {
            "member_id": self.company.member_id,
            "ends_on": self.ends_on,
            "days": self.days_before,
        }


class NoticePreference(models.Model):
    """Which notice events also send this user an e-mail (the in-site notice always comes)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notice_preferences", verbose_name=_("用户")
    )
    event = models.CharField(_("事件"), max_length=40)
    send_email = models.BooleanField(_("发送邮件"), default=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notice_preference_once"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.user} {self.event} {gettext('邮件') if self.send_email else gettext('仅站内')}"
        )


class ColleagueInvitation(models.Model):
    """A company administrator's invitation of a colleague by e-mail, with a role."""

    class Status(models.TextChoices):
        INVITED = "invited", _("已邀请")
        ACCEPTED = "accepted", _("已加入")
        REVOKED = "revoked", _("已撤销")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("企业")
    )
    email = models.EmailField(_("邮箱"))
    role = models.CharField(_("角色"), max_length=10, choices=User.Role.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.INVITED, db_index=True
    )
    invited_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("邀请人"),
    )
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("加入的账号"),
    )
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("加入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("同事邀请")
        verbose_name_plural = _("同事邀请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "email"],
                condition=Q(status="invited"),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(member_id)s %(email)s（%(status)s）") % {
            "member_id": self.company.member_id,
            "email": self.email,
            "status": self.get_status_display(),
        }


class CompanyChangeRequest(models.Model):
    """A change of verified identity data (name, registration number) waiting for staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="change_requests", verbose_name=_("企业")
    )
    name = models.CharField(_("新企业名称"), max_length=100, blank=True)
    registration_number = models.CharField(_("新统一社会信用代码"), max_length=18, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.CharField(_("驳回原因"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("提交人"),
    )
    decided_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业资料变更申请")
        verbose_name_plural = _("企业资料变更申请")
        ordering = ["-created_at", "-id"]
        permissions = [("decide_companychangerequest", "可审核企业资料变更申请")]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(status="pending"),
                name="change_request_one_pending_per_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company.member_id} → {self.name or self.registration_number}"
