"""Showing results: charts, notebook display, run output files."""
