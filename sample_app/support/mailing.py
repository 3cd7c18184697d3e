"""E-mail to customers about their tickets, through the project's SMTP configuration."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail

from .models import CannedReply


def email_customer(ticket, subject, body):
    """Send *body* to the ticket's customer, from the shop's address; refuses without an SMTP host."""
    if not settings.EMAIL_HOST:
        raise ImproperlyConfigured("No SMTP configuration: set EMAIL_HOST")
    return send_mail(f"[#{ticket.pk}] {subject}", body, settings.DEFAULT_FROM_EMAIL, [ticket.customer.email])


def send_canned_reply(ticket, key):
    reply = CannedReply.objects.get(key=key)
    return email_customer(ticket, reply.title, reply.render(ticket))
