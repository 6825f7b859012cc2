"""`escalon serve --demo`'s seed: the example organisation, a few cases and web sign-ins."""

from __future__ import annotations

import pytest

from escalon.cli.demo import DEMO_USERS, seed
from escalon.core.errors import Unauthorized
from escalon.services import accounts
from escalon.services.context import App
from tests.conftest import make_app


@pytest.fixture
def empty_app(sqlite_url: str) -> App:
    return make_app(sqlite_url, policy=False)


def test_the_demo_users_sign_in_with_the_password_printed_once(empty_app: App) -> None:
    first = seed(empty_app)

    assert first.password and first.users == tuple(name for name, *_ in DEMO_USERS)
    _, viewer = accounts.sign_in(empty_app, "olga", first.password)
    assert viewer.language == "ru" and viewer.display_name == "Olga Ivanova"
    _, lead = accounts.sign_in(empty_app, "csilla", first.password)
    assert lead.may("manager") and not lead.may("admin")


def test_seeding_again_keeps_the_users_and_their_password(empty_app: App) -> None:
    first = seed(empty_app)
    again = seed(empty_app)

    assert again.password is None and again.users == ()
    assert first.password
    accounts.sign_in(empty_app, "anna", first.password)
    with pytest.raises(Unauthorized):
        accounts.sign_in(empty_app, "anna", again.token)
