"""Background tasks of the messaging app (thin: they load ids and call the actions)."""

from django_tasks import task


@task(priority=5)
def deliver(*, delivery_id: int) -> str:
    """One attempt at a delivery (messaging.actions.deliveries.attempt_delivery)."""
    from messaging.actions import deliveries

    delivery = deliveries.attempt_delivery(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "settled"


@task(priority=5)
def check_receipt(*, delivery_id: int) -> str:
    """Ask the provider for a sent delivery's receipt (messaging.actions.deliveries.check_receipt)."""
    from messaging.actions import deliveries

    delivery = deliveries.check_receipt(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "settled"
