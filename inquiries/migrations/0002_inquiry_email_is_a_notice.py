# Issue 14: an inquiry message's e-mail is the receiver's notice's (members.notices, sent at
# most once through Notice.emailed_at), so the message no longer records it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="inquirymessage",
            name="emailed_at",
        ),
    ]
