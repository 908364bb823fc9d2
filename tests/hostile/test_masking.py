"""One masking rule for every output, checked with one hostile table on each of them.

Each case of :data:`CASES` is a value a compose file or a committed ``migration.toml`` may
hold: a secret in one of the forms people write them (URL credentials whose password holds
``/`` and ``@``, query-string passwords and tokens, JDBC, ``KEY=value`` spans, a quoted JSON
key, an HTTP header), or text that must come out as it went in (a word followed by a colon,
prose, a service named ``auth``). The same table runs against ``analyze --format json`` and
``text``, ``plan --format json`` and ``markdown``, ``status`` (text and JSON), and the TUI's
text helper; and against :func:`mask_secrets` itself, with the exact text expected.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from migrate_tui.cli import main
from migrate_tui.masking import is_secret_name, mask_assignment, mask_secrets

# (text in the project, fragments that must never show, what the text must show as)
CASES: list[tuple[str, tuple[str, ...], str]] = [
    ("postgres://app:pa/ss@w0rd@localhost:5432/app", ("pa/ss", "w0rd"),
     "postgres://app:***@localhost:5432/app"),
    ("redis://:r3dispw@localhost:6379/0", ("r3dispw",), "redis://:***@localhost:6379/0"),
    ("http://localhost:8080/cb?access_token=tok3nvalue&x=1", ("tok3nvalue",),
     "http://localhost:8080/cb?access_token=***&x=1"),
    ("http://localhost:8080/?password=qspass9", ("qspass9",),
     "http://localhost:8080/?password=***"),
    ("jdbc:postgresql://localhost:5432/app?user=app&password=jdbcsecret1", ("jdbcsecret1",),
     "jdbc:postgresql://localhost:5432/app?user=app&password=***"),
    ("jdbc:sqlserver://localhost:1433;user=sa;password=mssqlpw2;db=x", ("mssqlpw2",),
     "jdbc:sqlserver://localhost:1433;user=sa;password=***;db=x"),
    ("http://localhost:8080 --db-password=spanpass7 --verbose", ("spanpass7",),
     "http://localhost:8080 --db-password=*** --verbose"),
    ("http://localhost:9000 API_TOKEN=envtok4 run", ("envtok4",),
     "http://localhost:9000 API_TOKEN=*** run"),
    ('{"url": "http://localhost:1", "clientSecret": "jsonsec5"}', ("jsonsec5",),
     '{"url": "http://localhost:1", "clientSecret": "***"}'),
    ("curl -H 'Authorization: Bearer hdrtok6' http://localhost:80/", ("hdrtok6",),
     "curl -H 'Authorization: Bearer ***' http://localhost:80/"),
    ("Note: call http://localhost:8080 in the cluster", (),
     "Note: call http://localhost:8080 in the cluster"),
    ("auth: reach http://localhost:8081, then key: value and token: later", (),
     "auth: reach http://localhost:8081, then key: value and token: later"),
    ("Words at http://localhost:7, a = sign, a@b.example (Auth: none)", (),
     "Words at http://localhost:7, a = sign, a@b.example (Auth: none)"),
]
SECRETS = [s for _, secrets, _ in CASES for s in secrets] + ["jobsecret8"]
"""The secrets of the table, and one in a job's command, which the analysis quotes in a
reason and a finding (``its command does one-shot work (flyway -password=***``)."""


def _compose() -> str:
    lines = ["services:", "  auth:", "    image: acme/auth:1", "    environment:"]
    lines += [f"      C{i}: {json.dumps(text)}" for i, (text, _, _) in enumerate(CASES)]
    lines += ["  api:", "    image: acme/api:1", "    depends_on: [auth]"]
    lines += ["  migrate:", "    image: acme/api:1",
              '    command: ["flyway", "-password=jobsecret8", "migrate"]']
    return "\n".join(lines) + "\n"


def _progress() -> str:
    """Every case as an assignee and as the id of an item the plan does not have."""
    out = ["schema = 1", ""]
    ids = ["auth.image", "auth.workload", "auth.config", "auth.dns", "auth.staging",
           "api.image", "api.workload", "api.config", "api.dns", "api.staging",
           "auth.observability", "api.observability", "auth.cutover"]
    for (text, _, _), item_id in zip(CASES, ids, strict=True):
        out += [f"[items.{json.dumps(item_id)}]", 'status = "doing"',
                f"assignee = {json.dumps(text)}", ""]
        out += [f"[items.{json.dumps('gone ' + text)}]", 'status = "done"', ""]
    return "\n".join(out)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("masking")
    (folder / "compose.yaml").write_text(_compose())
    (folder / "migration.toml").write_text(_progress())
    return folder


def _strings(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def _readable(output: str, fmt: str) -> str:
    """The output as a reader sees it: JSON strings decoded, Markdown escapes and code
    spans undone, lines joined (the text report wraps)."""
    if fmt == "json":
        output = "\n".join(_strings(json.loads(output)))
    if fmt == "markdown":
        output = re.sub(r"\\(.)", r"\1", output).replace("`", "")
    return " ".join(output.split())


OUTPUTS = [("analyze", "--format", "json"), ("analyze", "--format", "text"),
           ("plan", "--format", "json"), ("plan", "--format", "markdown"),
           ("status", "--format", "text"), ("status", "--format", "json")]


@pytest.fixture(scope="module")
def outputs(project: Path) -> dict[tuple[str, ...], str]:
    captured = {}
    for args in OUTPUTS:  # (a module fixture cannot use capsys: redirected by hand)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main([*args, str(project)])
        assert code == 0, args
        captured[args] = out.getvalue()
    return captured


@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_no_secret_of_the_table_reaches_an_output(args: tuple[str, ...],
                                                   outputs: dict[tuple[str, ...], str]) -> None:
    output = outputs[args]
    readable = _readable(output, args[-1])
    for secret in SECRETS:
        assert secret not in output and secret not in readable, (secret, args)


@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_every_case_shows_masked_or_unchanged(args: tuple[str, ...],
                                              outputs: dict[tuple[str, ...], str]) -> None:
    """Where an output shows a case, it shows it as the table says: masked exactly where
    the secret was, prose and words before a colon unchanged."""
    readable = _readable(outputs[args], args[-1])
    if args[0] == "status" and args[-1] == "text":
        readable = " ".join(outputs[args].split())  # (names shown as they are, unescaped)
    shown = [expected for _, _, expected in CASES if " ".join(expected.split()) in readable]
    # analyze shows each value in a finding, plan too; status has each as a person and an
    # orphaned item; the text report shows where, and the messages the values are in.
    assert len(shown) == len(CASES), [e for _, _, e in CASES if e not in shown]


def test_a_service_named_auth_keeps_its_colon(outputs: dict[tuple[str, ...], str]) -> None:
    """The old Markdown rule took ``auth:`` for a key and masked the words after it, in
    the headings and the gantt (``auth: ******** it in the cluster``)."""
    markdown = outputs[("plan", "--format", "markdown")]
    assert "### auth: run it in the cluster" in markdown
    assert "auth#58; run it in the cluster :" in markdown  # (the gantt bar; #58; is ":")
    for args, output in outputs.items():
        assert not re.search(r"auth: (\\\*|\*){3}", output), args


@pytest.mark.parametrize(("text", "secrets", "expected"), CASES)
def test_the_one_rule_masks_exactly_the_secret(text: str, secrets: tuple[str, ...],
                                               expected: str) -> None:
    assert mask_secrets(text) == expected
    assert mask_secrets(expected) == expected  # (masking twice changes nothing)


@pytest.mark.parametrize(("text", "secrets", "expected"), CASES)
def test_the_tui_text_helper_masks_as_every_output(text: str, secrets: tuple[str, ...],
                                                   expected: str) -> None:
    from migrate_tui.tui.text import clean, markup, plain

    assert plain(text).plain == expected
    assert clean(text) == expected
    assert all(secret not in markup(text) for secret in secrets)


@pytest.mark.parametrize(("text", "secrets", "expected"), CASES)
def test_the_markdown_helpers_mask_as_every_output(text: str, secrets: tuple[str, ...],
                                                   expected: str) -> None:
    from migrate_tui.export.markdown_text import code, md

    assert _readable(md(text), "markdown") == " ".join(expected.split())
    assert code(text) == f"`{expected.replace('`', chr(39))}`"


@pytest.mark.parametrize("text", [
    "auth: run it in the cluster", "Deploy auth: run it", "Note: this is fine",
    "password: is asked at the first start", "the token: rotate it yearly",
    "key: value", "a=b c=d", "see https://example.com/path?q=1&page=2#top",
    "ssh://git@github.com/org/repo.git", "user@example.com", "x-y.z: 1",
    "A sentence, with commas; semicolons: and colons.",
    "redis://:@redis:6379/0", "amqp://guest:@rabbit//",  # (an empty password: nothing)
    "password=***: in a pod", "DB\\_TOKEN=\\*\\*\\* run", "postgres://u:***@db/app",
])
def test_ordinary_text_stays_as_it_is(text: str) -> None:
    assert mask_secrets(text) == text


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("DB_PASSWORD", "hunter2", "DB_PASSWORD=***"),
    ("JWT_SECRET", "a b c", "JWT_SECRET=***"),
    ("apiKey", "k", "apiKey=***"),
    ("MYSQLROOTPASSWORD", "x", "MYSQLROOTPASSWORD=***"),
    ("POSTGRES_PASSWORD_FILE", "/run/secrets/db", "POSTGRES_PASSWORD_FILE=/run/secrets/db"),
    ("DATABASE_URL", "postgres://u:p@ss@db/app", "DATABASE_URL=postgres://u:***@db/app"),
    ("CALLBACK", "http://x/?token=t0k&y=1", "CALLBACK=http://x/?token=***&y=1"),
    ("MONKEY", "banana", "MONKEY=banana"),
    ("SENTRY_DSN", "https://k3y@o1.ingest.sentry.io/1", "SENTRY_DSN=***"),
    ("KEYCLOAK_URL", "http://kc:8080", "KEYCLOAK_URL=http://kc:8080"),
])
def test_a_variable_is_masked_whole_when_its_name_says_secret(key: str, value: str,
                                                              expected: str) -> None:
    assert mask_assignment(key, value) == expected


def test_every_name_the_plain_secret_finding_flags_is_masked() -> None:
    """The finding and the masking read different lists (the finding is narrower, as it
    must not cry wolf); whatever the finding calls a secret, every output masks."""
    from migrate_tui.analysis.findings.base import load_findings_playbook

    params = load_findings_playbook().rules["plain-secret"].params
    names, ignored = re.compile(params["names"]), re.compile(params["ignore_names"])
    words = ["PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "TOKEN", "APIKEY", "API_KEY",
             "PRIVATE_KEY", "PRIVATEKEY", "ACCESS_KEY", "SECRET_KEY", "KEY", "CREDENTIAL",
             "CREDENTIALS", "SALT"]
    for word in words:
        for name in (word, f"DB_{word}", f"{word}_VALUE", f"MY_{word}_2"):
            if names.search(name) and not ignored.search(name):
                assert is_secret_name(name), name


def test_a_key_value_span_runs_over_ampersands_unless_it_is_a_query_parameter() -> None:
    """``DSN=mysql://root:pw@db/x?a=1&b=2`` is one secret; ``?password=x&b=2`` is two
    parameters (seen in the corpus: ory/kratos showed ``DSN=***&max_idle_conns=4``)."""
    dsn = "DSN=mysql://root:pw@tcp(db:3306)/x?max_conns=20&max_idle_conns=4 next"
    assert mask_secrets(dsn) == "DSN=*** next"
    assert mask_secrets("u?password=x&b=2") == "u?password=***&b=2"


def test_an_empty_url_password_is_no_credential() -> None:
    """Seen in the corpus (airflow's ``redis://:@redis:6379/0``): no finding, no mask."""
    from migrate_tui.masking import has_url_credentials

    assert not has_url_credentials("redis://:@redis:6379/0")
    assert has_url_credentials("redis://:p@redis:6379/0")


_PIECES = st.sampled_from(
    [*"aPw:/@=&;?\"' *-_.\\", "://", "password=", "token", "a://u:p@h", '"secret":',
     "Authorization: Bearer ", "KEY", "auth: "])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
@example(text="\"secret\":Authorization: Bearer \"://")  # (prose between quotes read as a key)
@example(text='a://u:p@hpassword=" "@')  # (the quoted space masked joins two words)
def test_masking_is_idempotent_on_any_mix_of_the_patterns(text: str) -> None:
    masked = mask_secrets(text)
    assert mask_secrets(masked) == masked


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[A-Za-z0-9!%^_/@+~]{6,20}", fullmatch=True),
       st.sampled_from(["postgres://app:{}@db:5432/app", "x?access_token={}&y=1",
                        "DB_PASSWORD={} next", "--api-key={}", '{{"password": "{}"}}',
                        "jdbc:sqlserver://db;password={};x=1"]))
def test_no_password_survives_masking(password: str, form: str) -> None:
    masked = mask_secrets(form.format(password))
    assert password not in masked, masked
