"""Properties of the text handling where inputs are open-ended: host inference, masking."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from migrate_tui.analysis.evidence import env_text, mask
from migrate_tui.analysis.graph import hosts_in

names = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
passwords = st.from_regex(r"[A-Za-z0-9!*%^_]{6,20}", fullmatch=True)


@given(st.text(max_size=200))
def test_hosts_in_never_fails_and_finds_only_what_is_there(value: str) -> None:
    for host, port, matched in hosts_in(value):
        assert host in value and matched in value
        assert port is None or 0 <= port <= 99999


@given(names, st.integers(min_value=1, max_value=65535), names)
def test_a_service_in_a_url_is_found(host: str, port: int, path: str) -> None:
    for value in (f"http://{host}:{port}/{path}", f"{host}:{port}",
                  f"postgres://user:pw@{host}:{port}/{path}"):
        assert (host, port) in {(h, p) for h, p, _ in hosts_in(value)}, value


@given(st.sampled_from(["postgres", "mysql", "redis", "amqp", "mongodb", "https"]), names,
       passwords, names)
def test_passwords_in_urls_are_masked(scheme: str, user: str, password: str, host: str) -> None:
    value = f"{scheme}://{user}:{password}@{host}:1234/db"
    assert mask(value) == f"{scheme}://{user}:***@{host}:1234/db"
    assert f":{password}@" not in env_text("DATABASE_URL", value)


@given(st.sampled_from(["DB_PASSWORD", "API_KEY", "SECRET_KEY", "JWT_SECRET", "AUTH_TOKEN"]),
       passwords)
def test_secret_variables_never_show_their_value(key: str, value: str) -> None:
    assert value not in env_text(key, value)
