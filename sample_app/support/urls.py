from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("tickets/", views.ticket_list, name="ticket-list"),
    path("tickets/stats/", views.ticket_stats, name="ticket-stats"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/comments/", views.ticket_comments, name="ticket-comments"),
    path("customers/<int:customer_pk>/tickets/", views.customer_tickets, name="customer-tickets"),
]
