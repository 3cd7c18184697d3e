from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from accounts.models import Customer

from . import utils
from .models import Ticket


def _ticket_row(ticket):
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "customer": ticket.customer_id,
        "assignee": ticket.assignee.username if ticket.assignee_id else None,
    }


def ticket_detail(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk)
    return JsonResponse(
        {
            "id": ticket.pk,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "customer": ticket.customer_id,
            "order": ticket.order_id,
            "assignee": ticket.assignee.username if ticket.assignee_id else None,
            "comments": ticket.comments.count(),
        }
    )


def ticket_list(request):
    """Tickets, filterable by ?status=, ?priority= and ?assignee=<username>|none."""
    tickets = Ticket.objects.select_related("assignee").order_by("id")
    status = request.GET.get("status")
    if status:
        if status not in dict(Ticket.STATUS_CHOICES):
            return JsonResponse({"error": f"unknown status {status!r}"}, status=400)
        tickets = tickets.filter(status=status)
    priority = request.GET.get("priority")
    if priority:
        try:
            utils.priority_label(priority)
        except ValueError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        tickets = tickets.filter(priority=int(priority))
    assignee = request.GET.get("assignee")
    if assignee == "none":
        tickets = tickets.unassigned()
    elif assignee:
        tickets = tickets.filter(assignee__username=assignee)
    rows = [_ticket_row(ticket) for ticket in tickets]
    return JsonResponse({"count": len(rows), "results": rows})


def ticket_comments(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk)
    return JsonResponse(
        {
            "ticket": ticket.pk,
            "comments": [
                {"author": c.author_name, "body": c.body, "created_at": c.created_at.isoformat()}
                for c in ticket.comments.all()
            ],
        }
    )


def customer_tickets(request, customer_pk):
    customer = get_object_or_404(Customer, pk=customer_pk)
    tickets = customer.tickets.select_related("assignee").order_by("id")
    return JsonResponse(
        {"customer": customer.pk, "email": customer.email, "tickets": [_ticket_row(t) for t in tickets]}
    )


def ticket_stats(request):
    statuses = Ticket.objects.values_list("status", flat=True)
    return JsonResponse(
        {
            "by_status": utils.status_breakdown(statuses),
            "unassigned": Ticket.objects.unassigned().count(),
            "urgent_active": Ticket.objects.active().urgent().count(),
        }
    )
