# MembershipOrder (TrustPass purchases) moved here from members. Nothing in the database
# changes: the table keeps its name ("members_membershiporder", Meta.db_table) with its rows,
# indexes and constraints; members/migrations/0003 removed the model from members' state and
# this migration adds it to trade's. Its content type row is renamed (app_label "members" →
# "trade"), keeping its id, so admin log entries and permissions follow the model.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODEL = "membershiporder"


def _move_content_type(apps, schema_editor, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    old = types.filter(app_label=old_label, model=MODEL).first()
    if old is None:  # a new database: post_migrate creates the content type later
        return
    # A row under the new label can only have been made by post_migrate in the meantime,
    # with the same default permissions; the old row, with its log entries and the
    # permissions granted on it, is the one to keep.
    types.filter(app_label=new_label, model=MODEL).delete()
    old.app_label = new_label
    old.save(update_fields=["app_label"])


def content_type_to_trade(apps, schema_editor):
    _move_content_type(apps, schema_editor, "members", "trade")


def content_type_to_members(apps, schema_editor):
    _move_content_type(apps, schema_editor, "trade", "members")


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('members', '0003_membershiporder_to_trade'),
        ('trade', '0002_payments_and_shipping'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MembershipOrder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('years', models.PositiveSmallIntegerField(default=1, verbose_name='年数')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='金额（元）')),
                        ('status', models.CharField(choices=[('created', '待付款'), ('paid', '已付款'), ('failed', '付款失败')], db_index=True, default='created', max_length=10, verbose_name='状态')),
                        ('payment_ref', models.CharField(blank=True, max_length=64, verbose_name='支付流水号')),
                        ('failure_reason', models.CharField(blank=True, max_length=200, verbose_name='失败原因')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='下单时间')),
                        ('paid_at', models.DateTimeField(blank=True, null=True, verbose_name='付款时间')),
                        ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='membership_orders', to='members.company', verbose_name='企业')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='下单人')),
                        ('period', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='order', to='members.trustpassperiod', verbose_name='会员期')),
                    ],
                    options={
                        'verbose_name': '诚信通订购',
                        'verbose_name_plural': '诚信通订购',
                        'db_table': 'members_membershiporder',
                        'ordering': ['-created_at', '-id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('years__gte', 1)), name='membership_order_years_positive')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_trade, content_type_to_members),
    ]
