"""The planning tests' summary: the distribution of the corpus plans' figures.

``test_corpus_bounds.py`` fills :data:`SUMMARY`; it is printed at the end of every run
that measured the corpus, as the conformance counts are, so the figures are seen without
``-s``.
"""

from __future__ import annotations

from typing import Any

SUMMARY: list[str] = []
"""A title line, then one line per figure."""


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not SUMMARY:
        return
    terminalreporter.write_sep("-", SUMMARY[0])
    for line in SUMMARY[1:]:
        terminalreporter.write_line(f"  {line}")
