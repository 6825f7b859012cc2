"""Edge schemas (pydantic): what the API, the CLI and the services exchange."""
