"""Group keys: a new group takes the key after the last one taken, even by a test whose rows
were rolled back (PostgreSQL's sequences, MariaDB's AUTO_INCREMENT); SQLite takes them back.

The pattern of django-mptt's suite, whose tests compare the keys of the rows they create:
they pass or fail by what the classes before them in Django's order took, which bundling
must not change. The second class has no fixtures: bundling runs it after its layers.
No other test creates groups.
"""

from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase

TAKEN = []  # keys the class above took


class GroupKeysWithStaffTests(TestCase):
    fixtures = ["staff"]

    def test_new_group_takes_the_key_after_the_staff_groups(self):
        group = Group.objects.create(name="Night shift")
        TAKEN.append(group.pk)
        self.assertEqual(group.pk, 4)


class GroupKeysWithoutFixturesTests(TestCase):
    """Django runs it after the class above (``--shuffle 2012`` too, which the oracle uses)."""

    def test_new_group_key_follows_the_last_one_taken(self):
        group = Group.objects.create(name="Night shift")
        if connection.vendor == "sqlite":
            self.assertEqual(group.pk, 1)  # the rolled-back row gave its key back
        else:
            self.assertEqual(group.pk, TAKEN[-1] + 1)
