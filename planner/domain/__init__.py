"""The pure domain core: rubric, scoring, staging, sequencing and careers.

Imports only the standard library and networkx, never a web or database
framework (``tests/test_architecture.py`` enforces this).
"""
