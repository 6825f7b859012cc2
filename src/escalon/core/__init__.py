"""Pure domain rules: no database, no network, no wall clock; time is passed in."""
