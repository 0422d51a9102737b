# MembershipOrder (TrustPass purchases) moved to the trade app, which now sells TrustPass
# years. Its table stays as it is ("members_membershiporder"); this only removes the model
# from members' migration state. trade/migrations/0003_membershiporder takes it over (in
# state only) and moves its content type, so admin log entries and permissions follow.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0002_verification_reminders_orders'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='MembershipOrder')],
            database_operations=[],
        ),
    ]
