from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Max
from django.utils import timezone

from . import utils


class TicketQuerySet(models.QuerySet):
    def active(self):
        """Tickets someone still has to deal with (open or waiting)."""
        return self.exclude(status="closed")

    def closed(self):
        return self.filter(status="closed")

    def unassigned(self):
        return self.filter(assignee__isnull=True)

    def urgent(self):
        return self.filter(priority=4)

    def assigned_to(self, user):
        return self.filter(assignee=user)

    def for_customer(self, customer):
        return self.filter(customer=customer)

    def with_comment_count(self):
        return self.annotate(num_comments=Count("comments"))

    def with_last_activity(self):
        return self.annotate(last_comment_at=Max("comments__created_at"))


class Ticket(models.Model):
    STATUS_CHOICES = [
        ("open", "Open"),
        ("waiting", "Waiting"),
        ("closed", "Closed"),
    ]
    PRIORITY_CHOICES = [
        (1, "Low"),
        (2, "Normal"),
        (3, "High"),
        (4, "Urgent"),
    ]

    customer = models.ForeignKey("accounts.Customer", on_delete=models.CASCADE, related_name="tickets")
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="open")
    priority = models.IntegerField(choices=PRIORITY_CHOICES, default=2)
    opened_at = models.DateTimeField()

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "opened_at", "id"]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    @property
    def reference(self):
        return utils.format_ticket_reference(self.pk)

    @property
    def is_active(self):
        return self.status != "closed"

    def sla_deadline(self):
        return utils.sla_deadline(self.opened_at, self.priority)

    def is_overdue(self, now=None):
        return self.is_active and utils.is_sla_breached(self.opened_at, self.priority, now or timezone.now())

    def assign_to(self, user, save=True):
        """Assign the ticket to a member of the Support group."""
        if not utils.can_handle_tickets(user):
            raise ValueError(f"{user.username} cannot be assigned support tickets")
        self.assignee = user
        if save:
            self.save(update_fields=["assignee"])

    def escalate(self, save=True):
        """Raise the priority by one step; urgent tickets stay urgent."""
        self.priority = min(self.priority + 1, 4)
        if self.status == "waiting":
            self.status = "open"
        if save:
            self.save(update_fields=["priority", "status"])
        return self.priority

    def close(self):
        if self.status == "closed":
            raise ValueError(f"ticket {self.pk} is already closed")
        self.status = "closed"
        self.save(update_fields=["status"])

    def reopen(self):
        if self.status != "closed":
            raise ValueError(f"ticket {self.pk} is not closed")
        self.status = "open"
        self.save(update_fields=["status"])

    def add_comment(self, author_name, body, created_at=None):
        """Add a comment; a customer reply moves a waiting ticket back to open."""
        comment = self.comments.create(
            author_name=author_name, body=body, created_at=created_at or timezone.now()
        )
        if self.status == "waiting" and author_name == self.customer.full_name:
            self.status = "open"
            self.save(update_fields=["status"])
        return comment

    def last_activity(self):
        latest = self.comments.order_by("-created_at", "-id").values_list("created_at", flat=True).first()
        return latest or self.opened_at

    def is_stale(self, now, days=14):
        return self.status == "waiting" and now - self.last_activity() > timedelta(days=days)


class Comment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author_name = models.CharField(max_length=100)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Comment by {self.author_name} on #{self.ticket_id}"

    @property
    def excerpt(self):
        return utils.truncate_words(self.body, 6)


class CannedReply(models.Model):
    """A reply agents send as is; the rows come with the deployment (and the test runner), not a fixture."""

    key = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    body = models.TextField()

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.title

    def render(self, ticket):
        return self.body.format(first_name=ticket.customer.first_name, number=ticket.pk)
