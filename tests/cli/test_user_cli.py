"""`escalon user create`: a web account from the command line, the password never an argument."""

from __future__ import annotations

from pathlib import Path

from escalon.cli.main import app
from escalon.config import Settings
from escalon.services import accounts
from escalon.services.context import App
from tests.cli.conftest import runner


def test_a_user_is_created_with_a_password_from_stdin_and_can_sign_in(sandbox: Path) -> None:
    result = runner.invoke(
        app, ["user", "create", "anna", "--role", "manager", "--password-stdin"],
        input="correct horse battery\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "created manager anna"
    _, viewer = accounts.sign_in(App.from_settings(Settings()), "anna", "correct horse battery")
    assert viewer.role == "manager"


def test_a_short_password_is_refused_in_one_line(sandbox: Path) -> None:
    result = runner.invoke(app, ["user", "create", "anna", "--password-stdin"], input="short\n")
    assert result.exit_code != 0
    assert result.stderr.strip() == "error: password: a password needs at least 10 characters"
