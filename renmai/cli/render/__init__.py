"""Answers written as text for a terminal: what the commands print when
neither ``--json`` nor ``--csv`` is asked for. Each function takes a query's
answer and returns lines or rows; the commands only choose and print."""
