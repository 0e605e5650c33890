"""Outgoing event webhooks: what the core's ``platform_event`` says, signed and sent to the organization's
endpoints, off the request path.

* ``outbox``: the subscriber; each event becomes one delivery row per subscribed endpoint, in the
  transaction of the change that caused it (a rolled-back change sends nothing).
* ``dispatcher``: claims due rows with a lease, sends them (``sender``), records each attempt and
  schedules the next with exponential backoff; also the ``device.offline`` sweep.
* ``endpoints``: what the API does with endpoints and their deliveries; ``urls``: which URLs may be
  called; ``signing``: the secrets and the signature.

docs/how-to/webhooks.md is the receiver's side of it.
"""
