"""Delivery of notifications: channels, templates, languages."""
