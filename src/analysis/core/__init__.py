"""Shared foundations: errors, project paths, data files and input validation."""
