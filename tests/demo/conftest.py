"""The demo committee, loaded once for the whole package through ``demo_load`` (all services, all rules)
inside a transaction that is rolled back afterwards; shared by test_demo_load and test_demo_chapters."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from dangvu.demo import data
from dangvu.organisations.models import Organisation


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """Load once for the package inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            out = StringIO()
            call_command("demo_load", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def root(demo):
    return Organisation.objects.get(code=data.ROOT_CODE)
