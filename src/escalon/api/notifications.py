"""Communication routes: stakeholder updates; the outbox with its delivery; dead letters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from escalon.api.deps import AppDep, CurrentUser
from escalon.api.errors import CONFLICT
from escalon.api.escalations import CaseRef
from escalon.schemas.communication import StakeholderUpdate, StakeholderUpdateRead
from escalon.schemas.notifications import NotificationFilter, NotificationPage, NotificationRead
from escalon.services import notifications, stakeholder_updates

router = APIRouter(prefix="/api/v1", tags=["notifications"])

NotificationId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The notification's id")]


@router.post("/cases/{ref}/stakeholder-updates", status_code=status.HTTP_201_CREATED)
def post_update(
    ref: CaseRef, body: StakeholderUpdate, app: AppDep, user: CurrentUser
) -> StakeholderUpdateRead:
    """The owner's update: it restarts the update clock and reaches every audience."""
    user.require("agent")
    return stakeholder_updates.post_update(app, ref, body, user.name)


@router.get("/notifications")
def list_notifications(
    app: AppDep, user: CurrentUser, flt: Annotated[NotificationFilter, Query()]
) -> NotificationPage:
    """Messages oldest first, with state, attempts and each address's outcome."""
    user.require("agent")
    return notifications.list_notifications(app, flt)


@router.post("/notifications/{notification_id}/retry", responses=CONFLICT)
def retry(notification_id: NotificationId, app: AppDep, user: CurrentUser) -> NotificationRead:
    """A dead letter is due again at once; only a manager decides that."""
    user.require("manager")
    return notifications.retry(app, notification_id, user.name)
