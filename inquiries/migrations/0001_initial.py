"""The inquiry models move here from `listings` (issue 13) without touching a row.

The tables were created by listings 0002 and keep their names (`db_table`): this migration
only adds the models to the inquiries app's state (`SeparateDatabaseAndState` with no
database operation), and listings 0009 removes them from the listings app's state. The
content types follow (`listings.inquiry` -> `inquiries.inquiry`, ...), so admin log entries
and permissions keep pointing at the same models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ['inquiry', 'inquirymessage', 'quote', 'listingview', 'favourite', 'listingreport']


def _move_content_types(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue  # already there (made by a post_migrate of the new layout)
        ContentType.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def content_types_forward(apps, schema_editor):
    _move_content_types(apps, schema_editor, "listings", "inquiries")


def content_types_backward(apps, schema_editor):
    _move_content_types(apps, schema_editor, "inquiries", "listings")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('listings', '0008_search_top_slice'),
        ('members', '0002_verification_reminders_orders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Inquiry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('inquiry', '询盘'), ('quote', '报价')], default='inquiry', max_length=10, verbose_name='类型')),
                        ('subject', models.CharField(max_length=120, verbose_name='主题')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='发起时间')),
                        ('last_message_at', models.DateTimeField(db_index=True, verbose_name='最近消息时间')),
                        ('first_response_at', models.DateTimeField(blank=True, null=True, verbose_name='首次回复时间')),
                        ('buyer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='inquiries_sent', to='members.company', verbose_name='发起方')),
                        ('listing', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='inquiries', to='listings.listing', verbose_name='相关信息')),
                        ('seller', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='inquiries_received', to='members.company', verbose_name='接收方')),
                    ],
                    options={
                        'verbose_name': '询盘',
                        'verbose_name_plural': '询盘',
                        'db_table': 'listings_inquiry',
                        'ordering': ['-last_message_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='InquiryMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('inquiry', '询盘'), ('quote', '报价'), ('reply', '回复')], max_length=10, verbose_name='类型')),
                        ('body', models.TextField(verbose_name='内容')),
                        ('quantity', models.PositiveIntegerField(blank=True, null=True, verbose_name='采购数量')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='发送时间')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='已读时间')),
                        ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='邮件通知时间')),
                        ('inquiry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='inquiries.inquiry', verbose_name='询盘')),
                        ('recipient_company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.company', verbose_name='接收方')),
                        ('sender', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='inquiry_messages', to=settings.AUTH_USER_MODEL, verbose_name='发送人')),
                        ('sender_company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.company', verbose_name='发送方')),
                    ],
                    options={
                        'verbose_name': '询盘消息',
                        'verbose_name_plural': '询盘消息',
                        'db_table': 'listings_inquirymessage',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ListingReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('prohibited', '禁售或违法产品'), ('fake', '虚假信息（产品、价格或企业不实）'), ('fraud', '涉嫌诈骗'), ('infringement', '侵犯知识产权（假冒品牌）'), ('duplicate', '重复发布'), ('wrong_category', '类目错放'), ('other', '其他')], max_length=20, verbose_name='举报原因')),
                        ('detail', models.TextField(blank=True, verbose_name='补充说明')),
                        ('status', models.CharField(choices=[('open', '待处理'), ('resolved', '已处理（举报属实）'), ('dismissed', '已驳回（举报不实）')], db_index=True, default='open', max_length=10, verbose_name='处理状态')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='举报时间')),
                        ('handled_at', models.DateTimeField(blank=True, null=True, verbose_name='处理时间')),
                        ('resolution', models.CharField(blank=True, max_length=300, verbose_name='处理说明')),
                        ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='处理人')),
                        ('listing', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='listings.listing', verbose_name='信息')),
                        ('reporter', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='listing_reports', to=settings.AUTH_USER_MODEL, verbose_name='举报人')),
                    ],
                    options={
                        'verbose_name': '举报',
                        'verbose_name_plural': '举报',
                        'db_table': 'listings_listingreport',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ListingView',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='日期')),
                        ('visitor', models.CharField(max_length=80, verbose_name='访客')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('listing', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='view_records', to='listings.listing', verbose_name='信息')),
                    ],
                    options={
                        'verbose_name': '浏览记录',
                        'verbose_name_plural': '浏览记录',
                        'db_table': 'listings_listingview',
                    },
                ),
                migrations.CreateModel(
                    name='Quote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('unit_price', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='单价（元）')),
                        ('quantity', models.PositiveIntegerField(verbose_name='数量')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='报价时间')),
                        ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quotes', to='members.company', verbose_name='报价企业')),
                        ('listing', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='quotes', to='listings.listing', verbose_name='求购信息')),
                        ('message', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='quote', to='inquiries.inquirymessage', verbose_name='消息')),
                    ],
                    options={
                        'verbose_name': '报价',
                        'verbose_name_plural': '报价',
                        'db_table': 'listings_quote',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Favourite',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='收藏时间')),
                        ('company', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='favourited_by', to='members.company', verbose_name='供应商')),
                        ('listing', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='favourited_by', to='listings.listing', verbose_name='信息')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='favourites', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
                    ],
                    options={
                        'verbose_name': '收藏',
                        'verbose_name_plural': '收藏',
                        'db_table': 'listings_favourite',
                        'ordering': ['-created_at', '-id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('company__isnull', True), ('listing__isnull', False)), models.Q(('company__isnull', False), ('listing__isnull', True)), _connector='OR'), name='favourite_listing_xor_company'), models.UniqueConstraint(condition=models.Q(('listing__isnull', False)), fields=('user', 'listing'), name='favourite_listing_once'), models.UniqueConstraint(condition=models.Q(('company__isnull', False)), fields=('user', 'company'), name='favourite_company_once')],
                    },
                ),
                migrations.AddIndex(
                    model_name='inquiry',
                    index=models.Index(fields=['seller', '-last_message_at'], name='listings_in_seller__a4f3f1_idx'),
                ),
                migrations.AddIndex(
                    model_name='inquiry',
                    index=models.Index(fields=['buyer', '-last_message_at'], name='listings_in_buyer_i_02ee8d_idx'),
                ),
                migrations.AddIndex(
                    model_name='inquiry',
                    index=models.Index(fields=['seller', 'created_at'], name='listings_in_seller__38cd20_idx'),
                ),
                migrations.AddConstraint(
                    model_name='inquiry',
                    constraint=models.UniqueConstraint(fields=('listing', 'buyer', 'seller'), name='inquiry_one_thread_per_listing_and_counterpart', nulls_distinct=False),
                ),
                migrations.AddConstraint(
                    model_name='inquiry',
                    constraint=models.CheckConstraint(condition=models.Q(('buyer', models.F('seller')), _negated=True), name='inquiry_not_to_oneself'),
                ),
                migrations.AddIndex(
                    model_name='inquirymessage',
                    index=models.Index(condition=models.Q(('read_at__isnull', True)), fields=['recipient_company'], name='inquiry_msg_unread_idx'),
                ),
                migrations.AddConstraint(
                    model_name='listingreport',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('listing', 'reporter'), name='report_one_open_per_reporter'),
                ),
                migrations.AddIndex(
                    model_name='listingview',
                    index=models.Index(fields=['day', 'listing'], name='listings_li_day_498b7f_idx'),
                ),
                migrations.AddConstraint(
                    model_name='listingview',
                    constraint=models.UniqueConstraint(fields=('listing', 'day', 'visitor'), name='listing_view_once_per_visitor_day'),
                ),
                migrations.AddConstraint(
                    model_name='quote',
                    constraint=models.CheckConstraint(condition=models.Q(('unit_price__gt', 0)), name='quote_price_positive'),
                ),
                migrations.AddConstraint(
                    model_name='quote',
                    constraint=models.CheckConstraint(condition=models.Q(('quantity__gt', 0)), name='quote_quantity_positive'),
                ),
    
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
