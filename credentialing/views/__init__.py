"""Thin views: parse the request, check a named permission, call a service or selector, render."""
