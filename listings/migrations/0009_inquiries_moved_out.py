"""The inquiry models now belong to the inquiries app (issue 13): removed from this app's
state only. Their tables (`listings_inquiry`, ...) stay as they are, with every row;
inquiries 0001 takes them over by the same names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0008_search_top_slice"),
        ("inquiries", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                # Children first: a model is removed after those that point at it.
                migrations.DeleteModel(name="Quote"),
                migrations.DeleteModel(name="InquiryMessage"),
                migrations.DeleteModel(name="Inquiry"),
                migrations.DeleteModel(name="ListingView"),
                migrations.DeleteModel(name="Favourite"),
                migrations.DeleteModel(name="ListingReport"),
            ],
        ),
    ]
