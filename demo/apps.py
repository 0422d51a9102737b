from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: `seed_demo` and every app's demo seeders (`seed(stdout)`).

    The top layer: demo imports the product apps; no product app imports demo.
    """

    name = "demo"
    verbose_name = "演示数据"
