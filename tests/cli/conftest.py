"""The CLI on a sandbox database with the example organisation, run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalon.cli.main import app
from tests.conftest import EXAMPLE

runner = CliRunner()


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ESCALON_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    result = runner.invoke(app, ["db", "init", "--sandbox", "--start", "2026-11-23T07:00:00Z"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["policy", "apply", str(EXAMPLE)]).exit_code == 0
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
