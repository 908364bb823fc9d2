"""Secret values kept out of commands and probes: a reference to a variable holding each.

Compose keeps a literal ``$`` as ``$$`` and so does the kubelet in command and args, so
those go as Compose has them; a secret value in them becomes ``$(VAR)`` of a variable from
the Secret, which the kubelet expands. A probe's shell command gets ``${VAR}``.
"""

from __future__ import annotations

import re

from migrate_tui.compose.model import Service
from migrate_tui.manifests.common import Obj
from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.names import unescaped

ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
"""A variable name Kubernetes 1.31 accepts."""
_SECRET_KEY_CHARS = re.compile(r"[^-._a-zA-Z0-9]")


def secret_key(f: ServiceFacts, variable: str) -> str:
    """The key of a secret variable in the project's env Secret (``api.DB_PASSWORD``)."""
    return f"{f.label}.{_SECRET_KEY_CHARS.sub('_', variable)}"


def reference(ctx: Context, svc: Service, value: str, extra: dict[str, Obj]) -> str:
    """The variable that holds a secret value, for a reference in place of the value.

    The container's own secret variable when it holds the value; else a variable added to
    the container from the Secret key of the service that holds it.
    """
    owner, var = ctx.secret_values[value]
    own = ctx.facts[svc.name]
    if svc.environment.get(var) == value and var in own.secret_env and ENV_NAME.fullmatch(var):
        return var
    holder = ctx.facts[owner]
    name = re.sub(r"[^A-Za-z0-9_]", "_", f"SECRET_{holder.label}_{var}").upper()
    extra[name] = {"name": name, "valueFrom": {"secretKeyRef": {
        "name": ctx.env_secret_name, "key": secret_key(holder, var)}}}
    return name


_WORD = re.compile(r"[a-z][a-z0-9]*")


def _option_name(arg: str, start: int, end: int) -> bool:
    """Whether ``arg[start:end]`` is (the start of) a long option's name, as ``admin`` in
    ``--admin-password=admin``: a secret value that is also a word of the command's
    options is not that option's value, and a reference there would rename the option."""
    before = arg[max(0, start - 3):start]
    return (before.endswith("--") and (len(before) < 3 or before[0].isspace())
            and _WORD.fullmatch(arg, start, end) is not None
            and (end == len(arg) or arg[end] in "-= \t\n"))


def scrub_argv(ctx: Context, svc: Service, argv: list[str], extra: dict[str, Obj],
               shell: bool = False) -> list[str]:
    """``argv`` as the kubelet must get it, each secret value replaced by a reference to a
    variable holding it, so no secret value is written.

    Compose keeps a literal ``$`` as ``$$`` and so does the kubelet in command and args:
    the text goes as it is, with ``$(VAR)`` references. A ``shell`` command (a probe's,
    which the kubelet does not expand) is unescaped and gets ``${VAR}``.
    """
    pattern = ctx.secret_pattern
    out = []
    for arg in argv:
        if pattern is None or pattern.search(arg) is None:
            out.append(unescaped(arg) if shell else arg)
            continue
        pieces, last = [], 0
        for m in pattern.finditer(arg):
            if _option_name(arg, m.start(), m.end()):
                continue
            piece = arg[last:m.start()]
            pieces.append(unescaped(piece) if shell else piece)
            name = reference(ctx, svc, m.group(0), extra)
            pieces.append(f"${{{name}}}" if shell else f"$({name})")
            last = m.end()
        pieces.append(unescaped(arg[last:]) if shell else arg[last:])
        out.append("".join(pieces))
    return out
