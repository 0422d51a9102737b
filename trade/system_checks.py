"""`manage.py check --deploy`: the local test gateway takes no real money (R-T1)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def test_gateway_in_production(app_configs, **kwargs):
    # A deployment may run the test gateway on purpose (a demo or staging site), but only by
    # saying so: PAYMENT_TEST_GATEWAY_ALLOWED=true.
    if getattr(settings, "PAYMENT_GATEWAY", "test") == "test" and not getattr(
        settings, "PAYMENT_TEST_GATEWAY_ALLOWED", False
    ):
        return [
            checks.Warning(
                "PAYMENT_GATEWAY 仍是本地测试支付网关：付款人在测试页面点“确认付款”即视为已付款，"
                "不会收到真实货款。",
                hint="上线前在 PAYMENT_GATEWAYS 中配置真实支付渠道，并设置环境变量 PAYMENT_GATEWAY；"
                "演示或预发布站点确需测试网关时，设置 PAYMENT_TEST_GATEWAY_ALLOWED=true。",
                id="trade.W001",
            )
        ]
    return []
