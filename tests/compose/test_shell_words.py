"""A string ``command``/``entrypoint`` is split as Compose splits it (go-shellwords 1.0.12).

Each expectation below is what ``docker-compose config`` 2.40.3 printed for that string;
``tests/conformance/test_shell_words.py`` asks the oracle itself about many more.
"""

from __future__ import annotations

import pytest

from migrate_tui.compose.shell_words import split_shell_words


@pytest.mark.parametrize(("line", "words", "dropped"), [
    ("kong migrations up && kong migrations finish", ["kong", "migrations", "up"],
     "&& kong migrations finish"),
    ("a ; b", ["a"], "; b"),
    ("x | y", ["x"], "| y"),
    ("echo hi>file", ["echo", "hi"], ">file"),
    ("echo 2>file", ["echo"], "2>file"),
    ("echo 12>f", ["echo"], "12>f"),
    ("echo 1#>f", ["echo"], "1#>f"),
    ("echo <in", ["echo"], "<in"),
    ("&& x", [], "&& x"),
    ("", [], ""),
    ("   ", [], ""),
    ('echo "a b" \'c d\' e\\ f', ["echo", "a b", "c d", "e f"], ""),
    ("a \"\" ''", ["a", "", ""], ""),
    ("echo a\\tb", ["echo", "atb"], ""),
    ("echo 'a\\b'", ["echo", "a\\b"], ""),
    ('x "a\\"b"', ["x", 'a"b'], ""),
    ("echo a\\\nb", ["echo", "a\nb"], ""),
    ('echo "x"y\'z\'', ["echo", "xyz"], ""),
    ("echo $(date) x", ["echo", "$(date)", "x"], ""),
    ("x $(a && b) c", ["x", "$(a && b)", "c"], ""),
    ("a `b c` d", ["a", "`b c`", "d"], ""),
    ("x `a && b` c", ["x", "`a && b`", "c"], ""),
    ("echo a)b)c", ["echo", "a)b)c"], ""),
    ("echo a#b # c", ["echo", "a#b", "#", "c"], ""),
    ("echo a && 'unclosed", ["echo", "a"], "&& 'unclosed"),
])
def test_split_as_compose(line: str, words: list[str], dropped: str) -> None:
    split = split_shell_words(line)
    assert split.words == words
    assert split.dropped == dropped


@pytest.mark.parametrize("line", ["echo 'unclosed", 'echo "unclosed', "a\\", "echo a(b",
                                  "echo a)b", "echo $(a (b)) c", "echo `x"])
def test_what_compose_refuses_is_refused(line: str) -> None:
    with pytest.raises(ValueError):
        split_shell_words(line)
