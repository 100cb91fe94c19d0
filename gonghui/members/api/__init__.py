"""Members API: search, read, edit (with version), reveal an ID number (audited), join and transfer
queues, and roster import. ID numbers leave the server masked, except through the reveal route.

Importing a routes module registers its routes. The queue routes go first: the router turns
`/{member_id}` into a catch-all `<member_id>` URL, which would swallow `/join-requests` and
`/transfers` if it came before them.
"""

from . import queues, records, roster_import  # noqa: F401  (registers the routes, in this order)
from .routers import imports_router, router

__all__ = ["imports_router", "router"]
