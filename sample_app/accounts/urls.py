from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("customers/<int:pk>/", views.customer_detail, name="customer-detail"),
]
