"""Storefront domain errors (R-F1–R-F3); the API maps them to API.md's error format."""

from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import Conflict, DomainError, NotFound, TrustPassRequired


class DomainNameInvalid(DomainError):
    code = "invalid_domain"
    rule = "R-F2"
    default_detail = _("域名名称无效，请只使用字母、数字、连字符或汉字（1–63 个字符）。")


class DomainSuffixInvalid(DomainError):
    code = "invalid_suffix"
    rule = "R-F2"
    default_detail = _("请选择域名后缀：.cn、.com.cn 或 .net.cn（查询时也可选择“全部”）。")


class DomainReserved(DomainError):
    code = "domain_reserved"
    rule = "R-F2"
    default_detail = _("该名称是保留名称，不能注册，请换一个名称。")


class DomainTaken(Conflict):
    code = "domain_taken"
    rule = "R-F2"
    default_detail = _("该域名已被其他会员注册，请换一个名称或后缀。")


class DomainAlreadyRegistered(Conflict):
    code = "domain_already_registered"
    rule = "R-F2"
    default_detail = _("每家企业只能注册一个独立域名，贵公司已经注册过了。")


class DomainTrustPassRequired(TrustPassRequired):
    rule = "R-F2"
    default_detail = _("独立域名是诚信通会员的专享服务，请先开通或续签诚信通（/trustpass/）。")


class RegistrarUnavailable(DomainError):
    code = "registrar_unavailable"
    status_code = 503
    rule = "R-F2"
    default_detail = _("域名注册服务暂时不可用，请稍后再试。")


class FeaturedTooMany(DomainError):
    code = "too_many_featured"
    rule = "R-F1"
    default_detail = _("推荐产品最多选择 8 个，请减少后再保存。")


class FeaturedNotLive(DomainError):
    code = "featured_not_live"
    rule = "R-F1"
    default_detail = _("只能推荐贵公司已上网的供应信息，请刷新页面后重新选择。")


class MailboxUnavailable(TrustPassRequired):
    rule = "R-F3"
    default_detail = _(
        "企业邮箱是诚信通会员的专享服务，请先开通或续签诚信通；已收到的邮件均会保留。"
    )


class UnknownRecipient(NotFound):
    code = "unknown_recipient"
    rule = "R-F3"
    default_detail = _("收件地址不存在。")


class MailboxOverQuota(DomainError):
    code = "mailbox_over_quota"
    status_code = 413
    rule = "R-F3"
    default_detail = _("收件人邮箱空间已满（5 MB），请清理后再试。")
