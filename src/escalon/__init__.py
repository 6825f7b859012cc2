"""escalon: escalation management."""

__version__ = "0.1.0"
