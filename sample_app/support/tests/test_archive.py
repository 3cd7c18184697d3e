"""Archiving closed tickets into the `archive` database.

Django loads the fixtures into both aliases, so the archive starts with a full
copy of the shop; setUpTestData empties its ticket tables first, as a fresh
archive would be.
"""
from django.contrib.auth.models import User
from django.test import TestCase

from accounts.models import LoyaltyAccount
from support import services
from support.models import Comment, Ticket


def empty_archive_tickets():
    Ticket.objects.using("archive").all().delete()


class ArchiveClosedTicketsTest(TestCase):
    databases = {"default", "archive"}
    fixtures = ["staff", "customers", "catalog", "orders", "tickets"]

    @classmethod
    def setUpTestData(cls):
        empty_archive_tickets()

    def test_fixtures_are_in_both_databases(self):
        self.assertEqual(Ticket.objects.using("default").count(), 30)
        self.assertEqual(User.objects.using("archive").count(), 17)
        # the post_save receiver honours `using`, so loyalty accounts exist in both
        self.assertEqual(LoyaltyAccount.objects.using("archive").count(), 40)
        self.assertFalse(Ticket.objects.using("archive").exists())

    def test_closed_tickets_move_to_archive(self):
        archived = services.archive_closed_tickets()
        self.assertEqual(len(archived), 10)
        self.assertEqual(Ticket.objects.using("default").count(), 20)
        self.assertFalse(Ticket.objects.using("default").closed().exists())
        self.assertEqual(Ticket.objects.using("archive").count(), 10)
        self.assertEqual(set(Ticket.objects.using("archive").values_list("status", flat=True)), {"closed"})

    def test_comments_follow_their_tickets(self):
        services.archive_closed_tickets()
        self.assertEqual(Comment.objects.using("archive").count(), 14)
        self.assertEqual(Comment.objects.using("default").count(), 31)

    def test_archived_ticket_keeps_its_relations(self):
        services.archive_closed_tickets()
        ticket = Ticket.objects.using("archive").select_related("customer", "order", "assignee").get(pk=4)
        self.assertEqual(ticket.customer.full_name, "Daniel Kowalski")
        self.assertEqual(ticket.order_id, 34)
        self.assertEqual(ticket.assignee.username, "fnguyen")
        self.assertEqual(ticket.subject, "Update my email address")


class ArchiveLookupTest(TestCase):
    databases = {"default", "archive"}
    fixtures = ["tickets", "staff", "orders", "customers", "catalog"]

    @classmethod
    def setUpTestData(cls):
        empty_archive_tickets()
        cls.archived = services.archive_closed_tickets()

    def test_find_archived_ticket(self):
        alias, ticket = services.find_ticket(4)
        self.assertEqual(alias, "archive")
        self.assertEqual(ticket.status, "closed")

    def test_find_live_ticket(self):
        alias, ticket = services.find_ticket(12)
        self.assertEqual(alias, "default")
        self.assertEqual(ticket.comments.count(), 5)

    def test_unknown_ticket(self):
        self.assertEqual(services.find_ticket(31), (None, None))

    def test_customer_history_is_split(self):
        # customer 13 only has a closed ticket; customer 38 has two active tickets and a closed one
        self.assertFalse(Ticket.objects.using("default").filter(customer_id=13).exists())
        self.assertEqual(
            list(Ticket.objects.using("archive").filter(customer_id=13).order_by("pk").values_list("pk", flat=True)),
            [28],
        )
        self.assertEqual(
            list(Ticket.objects.using("default").filter(customer_id=38).order_by("pk").values_list("pk", flat=True)),
            [1, 7],
        )
        self.assertEqual(
            list(Ticket.objects.using("archive").filter(customer_id=38).order_by("pk").values_list("pk", flat=True)),
            [15],
        )

    def test_archiving_again_finds_nothing(self):
        self.assertEqual(len(self.archived), 10)
        self.assertEqual(services.archive_closed_tickets(), [])
