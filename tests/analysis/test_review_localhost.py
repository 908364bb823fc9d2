"""localhost in variables, rule by rule (issue 15 review: supabase, temporal, Next.js).

- a variable naming the service's own node (``LOGFLARE_NODE_HOST=127.0.0.1``) is no
  reference to another service: no finding;
- a listen or bind address on loopback is the medium ``loopback-listen`` case;
- a browser origin or allowed-host list naming only localhost (``TEMPORAL_CORS_ORIGINS``)
  must name the Ingress host: flagged;
- a build-time public variable (``NEXT_PUBLIC_``, ``VITE_``...) is baked into the bundle:
  the fix is a rebuild with a build argument, not a ConfigMap.
"""

from __future__ import annotations

from functools import cache

import pytest

from migrate_tui.analysis.model import Analysis, Finding
from tests.analysis.helpers import analyse


@cache
def _analysis() -> Analysis:
    return analyse("review_localhost")


def _finding(service: str, key: str) -> Finding | None:
    found = [f for f in _analysis().findings if f.rule == "localhost-reference"
             and f.service == service and f.evidence.path.endswith(f".{key}")]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize("service,key,variant,severity", [
    ("analytics", "LOGFLARE_NODE_HOST", None, None),   # its own node: fine
    ("analytics", "RELEASE_NODE", None, None),         # its own Erlang node name
    ("analytics", "DB_HOSTNAME", "", "high"),          # another service by localhost
    ("ui", "TEMPORAL_CORS_ORIGINS", "origin", "medium"),
    ("ui", "CSRF_TRUSTED_ORIGINS", "origin", "medium"),
    ("ui", "DJANGO_ALLOWED_HOSTS", None, None),        # the public host is listed too
    ("ui", "NO_PROXY", None, None),
    ("front", "NEXT_PUBLIC_API_URL", "build-time", "high"),
    ("front", "VITE_API_URL", "build-time", "high"),
    ("front", "REACT_APP_API", "build-time", "high"),
    ("front", "EXPO_PUBLIC_API_URL", "build-time", "high"),
    ("front", "PUBLIC_API_URL", "maybe-build-time", "high"),  # SvelteKit static, or not
    ("front", "NUXT_PUBLIC_API_BASE", "public", "high"),  # Nuxt 3 reads it at start-up
    ("front", "HOSTNAME", "loopback-listen", "medium"),   # Next.js standalone binds it
])
def test_localhost_variables(service: str, key: str, variant: str | None,
                             severity: str | None) -> None:
    f = _finding(service, key)
    if severity is None:
        assert f is None, f
        return
    assert f is not None
    assert f.severity == severity
    assert (f.variant or "") == variant or (variant == "" and f.variant in (None,
                                                                            "other-service"))


def test_a_build_time_variable_is_fixed_by_a_rebuild_not_a_configmap() -> None:
    f = _finding("front", "NEXT_PUBLIC_API_URL")
    assert f is not None
    assert "Next.js" in f.message and "at build time" in f.message
    assert "--build-arg NEXT_PUBLIC_API_URL=" in f.fix and "rebuild" in f.fix.lower()
    assert "ConfigMap changes nothing" in f.fix and "Ingress" in f.fix
    nuxt = _finding("front", "NUXT_PUBLIC_API_BASE")
    assert nuxt is not None and "--build-arg" not in nuxt.fix


def test_a_cors_origin_names_the_ingress_host() -> None:
    f = _finding("ui", "TEMPORAL_CORS_ORIGINS")
    assert f is not None
    assert "Ingress" in f.fix and "origin" in f.message
