"""Support desk operations that span several models (and sometimes apps)."""
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import LoyaltyAccount

from .models import Comment, Ticket
from .utils import can_handle_tickets

# Notifications queued by on_commit hooks; a real project would send e-mail.
outbox = []

TIER_THRESHOLDS = [(1000, "gold"), (300, "silver"), (0, "bronze")]


def tier_for_points(points):
    for threshold, tier in TIER_THRESHOLDS:
        if points >= threshold:
            return tier
    return "bronze"


def open_ticket(customer, subject, opened_at, order=None, priority=2):
    """Open a ticket for a customer, optionally about one of their orders.

    The confirmation is queued only once the transaction commits.
    """
    if order is not None and order.customer_id != customer.pk:
        raise ValueError(f"order {order.pk} does not belong to customer {customer.pk}")
    with transaction.atomic():
        ticket = Ticket.objects.create(
            customer=customer, order=order, subject=subject, priority=priority, opened_at=opened_at
        )
        transaction.on_commit(lambda: outbox.append(("ticket-opened", ticket.pk, customer.email)))
    return ticket


def workload_by_assignee(queryset=None):
    """{username: number of active tickets} for everyone holding at least one."""
    queryset = Ticket.objects.all() if queryset is None else queryset
    rows = (
        queryset.active()
        .filter(assignee__isnull=False)
        .values_list("assignee__username")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def least_busy_agent():
    """The active Support member with the fewest active tickets (ties: lowest pk)."""
    User = get_user_model()
    agents = (
        User.objects.filter(is_active=True, is_staff=True, groups__name="Support")
        .annotate(load=Count("tickets", filter=~Q(tickets__status="closed")))
        .order_by("load", "pk")
    )
    return agents.first()


def auto_assign_unassigned():
    """Hand every active unassigned ticket to the least busy agent, oldest first."""
    assigned = []
    with transaction.atomic():
        for ticket in Ticket.objects.active().unassigned().order_by("opened_at", "id"):
            agent = least_busy_agent()
            if agent is None:
                break
            ticket.assign_to(agent)
            assigned.append((ticket.pk, agent.username))
    return assigned


def reassign_tickets(from_user, to_user):
    """Move every active ticket of from_user to to_user; returns the count."""
    if not can_handle_tickets(to_user):
        raise ValueError(f"{to_user.username} cannot take over tickets")
    return Ticket.objects.active().assigned_to(from_user).update(assignee=to_user)


def close_stale_tickets(now, days=14, closed_by="Support bot"):
    """Close waiting tickets without activity for `days` days; returns their pks."""
    closed = []
    with transaction.atomic():
        for ticket in Ticket.objects.filter(status="waiting").select_related("customer").order_by("id"):
            if ticket.is_stale(now, days=days):
                Comment.objects.create(
                    ticket=ticket,
                    author_name=closed_by,
                    body=f"Closed automatically after {days} days without a reply.",
                    created_at=now,
                )
                ticket.status = "closed"
                ticket.save(update_fields=["status"])
                closed.append(ticket.pk)
    return closed


def compensate_customer(ticket, points, note_author="Support bot", now=None):
    """Grant loyalty points for a ticket and record it; all or nothing."""
    if points <= 0:
        raise ValueError("compensation must be a positive number of points")
    with transaction.atomic():
        account = LoyaltyAccount.objects.select_for_update().get(customer_id=ticket.customer_id)
        account.points += points
        account.tier = tier_for_points(account.points)
        account.save(update_fields=["points", "tier"])
        ticket.comments.create(
            author_name=note_author,
            body=f"Granted {points} loyalty points as compensation.",
            created_at=now or ticket.opened_at + timedelta(hours=1),
        )
    return account


def claim_ticket(ticket_id, user):
    """Atomically take an unassigned ticket; returns False if someone was faster."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
        if ticket.assignee_id is not None:
            return False
        ticket.assign_to(user)
    return True


def archive_closed_tickets(source="default", target="archive"):
    """Copy closed tickets (with comments) to the archive database and delete them.

    Customers, orders and staff must already exist in the target database.
    Returns the archived ticket pks.
    """
    archived = []
    with transaction.atomic(using=source), transaction.atomic(using=target):
        tickets = Ticket.objects.using(source).closed().prefetch_related("comments").order_by("id")
        for ticket in tickets:
            comments = list(ticket.comments.all())
            ticket.save(using=target)
            for comment in comments:
                comment.save(using=target)
            archived.append(ticket.pk)
        Ticket.objects.using(source).filter(pk__in=archived).delete()
    return archived


def find_ticket(pk):
    """Look a ticket up in the live database first, then in the archive."""
    for alias in ("default", "archive"):
        ticket = Ticket.objects.using(alias).filter(pk=pk).first()
        if ticket is not None:
            return alias, ticket
    return None, None
