"""The birth date readable by person id without the persons table (an index-only scan):
the Family Dispatch indicators read the age of every member of the families they count."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_consent_recipients"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["id", "birth_date", "estimated_birth_year"],
                               name="person_birth_by_id"),
        ),
    ]
