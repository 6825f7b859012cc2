"""Words for domain values that both notifications and the web UI show.

Marked with `N_` for extraction into each catalog that shows them (the notifications' and
the web's), and translated when shown.
"""

from __future__ import annotations

from collections.abc import Mapping


def N_(message: str) -> str:
    """Marks a msgid for extraction; the text is translated where it is shown."""
    return message


METRICS: Mapping[str, str] = {
    "first_response": N_("first response"),
    "update_interval": N_("status update"),
    "resolution": N_("resolution"),
}
ESCALATION_TYPES: Mapping[str, str] = {
    "functional": N_("functional"),
    "hierarchical": N_("hierarchical"),
    "automatic": N_("automatic"),
}
STATUSES: Mapping[str, str] = {
    "new": N_("new"),
    "open": N_("open"),
    "waiting_on_customer": N_("waiting on customer"),
    "resolved": N_("resolved"),
    "closed": N_("closed"),
    "reopened": N_("reopened"),
}
