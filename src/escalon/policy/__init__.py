"""Configuration as code: `escalon.yaml` checked (`lint`) and turned into a core `Policy`."""

from escalon.policy.compile import compile_policy, document_to_json
from escalon.policy.document import PolicyDocument
from escalon.policy.lint import (
    LintError,
    LintResult,
    PolicyInvalid,
    format_errors,
    lint_file,
    lint_text,
    validate_mapping,
)
from escalon.policy.schema import FACT_FIELDS

__all__ = [
    "FACT_FIELDS",
    "LintError",
    "LintResult",
    "PolicyDocument",
    "PolicyInvalid",
    "compile_policy",
    "document_to_json",
    "format_errors",
    "lint_file",
    "lint_text",
    "validate_mapping",
]
