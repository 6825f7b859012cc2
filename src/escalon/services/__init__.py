"""escalon."""
