"""Who is signed in, and the guards every page and form goes through.

The session cookie is HttpOnly and SameSite=Lax; every form that changes something carries
the session's CSRF token (a hidden field, or the `X-CSRF-Token` header htmx sends), checked
here before any service runs. A page asked for without a session redirects to sign-in and
back; an htmx request gets `HX-Redirect` instead, so the whole page moves, not a fragment.
"""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request

from escalon.api.deps import AppDep
from escalon.services.accounts import Viewer, viewer_of
from escalon.vocabulary import N_

COOKIE = "escalon_session"
LOGIN_COOKIE = "escalon_login"  # the sign-in form's own CSRF token, before any session
LONGEST_FORM = 200_000
EXPIRED = N_("This form has expired: reload the page and send it again.")
NO_SUCH_ACTION = N_("There is no such action here.")


class SignInNeeded(Exception):
    def __init__(self, path: str) -> None:
        self.path = path


class BadForm(Exception):
    """A form that is not a form (too big, wrong token): refused as a whole, 400/403."""

    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


def signed_in(request: Request, app: AppDep) -> Viewer:
    viewer = viewer_of(app, request.cookies.get(COOKIE))
    if viewer is None:
        raise SignInNeeded(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")
        )
    return viewer


ViewerDep = Annotated[Viewer, Depends(signed_in)]


async def form_of(request: Request) -> dict[str, str]:
    """The url-encoded fields of a posted form (htmx and plain forms send this encoding)."""
    body = await request.body()
    if len(body) > LONGEST_FORM:
        raise BadForm(413, N_("The form is too large."))
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise BadForm(400, N_("The form is not UTF-8.")) from None


async def checked_form(request: Request, viewer: Viewer) -> dict[str, str]:
    """The form, once its CSRF token matches the session's."""
    fields = await form_of(request)
    sent = request.headers.get("x-csrf-token") or fields.pop("csrf", "")
    if not hmac.compare_digest(sent.encode(), viewer.csrf.encode()):
        raise BadForm(403, EXPIRED)
    return fields


def login_path(next_path: str) -> str:
    return f"/login?next={quote(next_path, safe='/')}"


def safe_next(raw: str | None) -> str:
    """Only a local path: a sign-in link must not send anyone to another site."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return "/queue"
    return raw
