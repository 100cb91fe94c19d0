# The submit-once token (core.form_tokens): additive, one table.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_state_changes_and_review_steps"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FormToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=40, unique=True, verbose_name="令牌")),
                ("purpose", models.CharField(max_length=40, verbose_name="表单")),
                ("result_id", models.BigIntegerField(blank=True, null=True, verbose_name="写入的记录")),
                ("used_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="提交时间")),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "已提交的表单", "verbose_name_plural": "已提交的表单"},
        ),
    ]
