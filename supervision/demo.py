"""Supervision demo data (filled in below)."""
