"""What every command shares: the app context, one-line errors, and JSON output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from escalon.config import Settings
from escalon.core.errors import DomainError
from escalon.policy.lint import PolicyInvalid
from escalon.schemas.errors import error_field, error_message
from escalon.services.context import App
from escalon.store.engine import make_engine

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field, text = error_field(tuple(first["loc"])), error_message(dict(first))
    return f"{field}: {text}" if field else text


def handle_errors(fn: F) -> F:
    """Turn every expected failure into one line on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            fail(f"{exc.field}: {exc.message}" if exc.field else exc.message)
        except PolicyInvalid as exc:
            for error in exc.errors[1:]:
                typer.echo(f"error: {error}", err=True)
            fail(str(exc.errors[0]) if exc.errors else "the policy is invalid")
        except ValidationError as exc:
            fail(validation_message(exc))
        except OperationalError as exc:
            fail(f"database: {exc.orig}")
        except SQLAlchemyError as exc:
            fail(f"database: {exc.__class__.__name__}: {exc}")

    return wrapper  # type: ignore[return-value]


def open_app(require_schema: bool = True) -> App:
    """Open the configured database; most commands need it initialised first."""
    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        if require_schema and not inspect(engine).has_table("cases"):
            fail(f"the database {settings.database_url} is not initialised; run `escalon db init`")
        return App.from_engine(engine)
    except OperationalError as exc:
        fail(f"cannot open the database {settings.database_url}: {exc.orig}")


def emit_json(value: Any) -> None:
    if isinstance(value, BaseModel):
        text = value.model_dump_json(indent=2)
    elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
        text = json.dumps([v.model_dump(mode="json") for v in value], indent=2, ensure_ascii=False)
    else:
        text = json.dumps(value, indent=2, default=str, ensure_ascii=False)
    sys.stdout.write(text + "\n")
