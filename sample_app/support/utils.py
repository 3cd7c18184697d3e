"""Small helpers for the support desk (no database access unless stated)."""
import re
from datetime import timedelta

SUPPORT_GROUP = "Support"

PRIORITY_LABELS = {1: "Low", 2: "Normal", 3: "High", 4: "Urgent"}

# Hours a ticket may stay unresolved, by priority.
SLA_HOURS = {1: 168, 2: 72, 3: 24, 4: 4}

_REFERENCE_RE = re.compile(r"^\s*(?:TCK|tck)-?0*(\d+)\s*$")


def priority_label(priority):
    try:
        return PRIORITY_LABELS[int(priority)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"unknown priority {priority!r}") from None


def format_ticket_reference(pk):
    """Ticket 42 is shown to customers as TCK-000042."""
    if pk is None:
        return "TCK-new"
    return f"TCK-{int(pk):06d}"


def parse_ticket_reference(text):
    """Inverse of format_ticket_reference; also accepts 'tck42' or ' TCK-42 '."""
    match = _REFERENCE_RE.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"not a ticket reference: {text!r}")
    return int(match.group(1))


def sla_deadline(opened_at, priority):
    """Deadline for a ticket; wall-clock hours (business hours are not modelled yet)."""
    return opened_at + timedelta(hours=SLA_HOURS[priority])


def is_sla_breached(opened_at, priority, now):
    return now > sla_deadline(opened_at, priority)


def truncate_words(text, count):
    words = text.split()
    if len(words) <= count:
        return " ".join(words)
    return " ".join(words[:count]) + "…"


def normalize_subject(subject):
    """Collapse whitespace and strip reply prefixes such as 'Re:' / 'Fwd:'."""
    subject = " ".join(subject.split())
    while True:
        stripped = re.sub(r"^(?:re|fw|fwd)\s*:\s*", "", subject, flags=re.IGNORECASE)
        if stripped == subject:
            return subject
        subject = stripped


def status_breakdown(statuses):
    """Count an iterable of status strings, always returning all three keys."""
    counts = {"open": 0, "waiting": 0, "closed": 0}
    for status in statuses:
        if status not in counts:
            raise ValueError(f"unknown status {status!r}")
        counts[status] += 1
    return counts


def can_handle_tickets(user):
    """Active staff users in the Support group (or superusers) may own tickets.

    Hits the database for the group lookup.
    """
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=SUPPORT_GROUP).exists()
