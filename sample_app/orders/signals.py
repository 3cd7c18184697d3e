from django.dispatch import Signal

# Sent once the transaction that created the order has committed.
# Arguments: order.
order_placed = Signal()

# Sent once the transaction that cancelled the order has committed.
# Arguments: order.
order_cancelled = Signal()
