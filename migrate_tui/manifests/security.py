"""The container's securityContext: the safe defaults Compose allows."""

from __future__ import annotations

from migrate_tui.compose.model import Service
from migrate_tui.manifests.common import Obj, Part, target
from migrate_tui.manifests.facts import Context, ServiceFacts


def _user_ids(user: str) -> tuple[int | None, int | None]:
    uid, _, gid = user.partition(":")
    return (int(uid) if uid.isdigit() else None, int(gid) if gid.isdigit() else None)


_CLAIMS = frozenset({"claim-template", "pvc", "shared-pvc"})


def fs_group(ctx: Context, f: ServiceFacts) -> int | None:
    """The pod's fsGroup when the pod mounts a claim and runs as a non-root user: the
    Compose ``user``'s group (or its uid), else the group the playbook knows the image's
    own user by (``fs_groups``). Docker fills a new named volume with the image's folder
    and its owner; a new claim is root's, and without an fsGroup that user cannot write
    there."""
    if not any(v.mode in _CLAIMS for v in f.volumes):
        return None
    if f.svc.user:
        uid, gid = _user_ids(f.svc.user)
        if uid is None or uid == 0:
            return None
        return gid if gid is not None and gid != 0 else uid
    return ctx.defaults.fs_group(f.repository) if f.repository else None


def security_part(ctx: Context, f: ServiceFacts, svc: Service) -> tuple[Obj, Part]:
    """The container's securityContext: the safe defaults Compose allows."""
    part = Part()
    where = target(f, f.workload or "Pod", f.label)
    sc: Obj = {"allowPrivilegeEscalation": False}
    add = sorted({str(c).upper().removeprefix("CAP_") for c in svc.get("cap_add") or []})
    if "ALL" in add:
        add.remove("ALL")
        part.note(svc.name, "cap_add", "decide", where,
                  "cap_add: ALL is not carried over: list the capabilities it needs")
    elif add:
        part.note(svc.name, "cap_add", "mapped", where, "added back after dropping ALL")
    if svc.get("cap_drop"):
        part.note(svc.name, "cap_drop", "mapped", where, "every capability is dropped")
    user = svc.user
    repo = f.repository
    group = fs_group(ctx, f) if svc is f.svc else None
    grouped = (f"; fsGroup {group}, its user's group, so it can write its claims (Docker "
               "gave a new named volume the image folder's owner; a new claim is root's)"
               if group is not None else "")
    uid, gid = _user_ids(user) if user else (None, None)
    # A user name (or root) sets no runAsUser: the image's own user runs, root for these.
    runs_as_uid = uid is not None and uid != 0
    steps_down = not runs_as_uid and bool(repo) and ctx.defaults.steps_down(repo)
    stepping = ("the image starts as root and switches user: the capabilities it needs for "
                "that are added back; run it as its user (runAsUser) to drop them")
    if steps_down:
        extra = [c for c in ctx.defaults.steps_down_capabilities if c not in add]
        add = sorted(add + extra)
        if not user:
            part.note(svc.name, "user", "decide", where, stepping)
    sc["capabilities"] = {"drop": ["ALL"], **({"add": add} if add else {})}
    if user:
        if runs_as_uid:
            sc["runAsNonRoot"] = True
            sc["runAsUser"] = uid
            if gid is not None:
                sc["runAsGroup"] = gid
            part.note(svc.name, "user", "mapped", where, "runAsUser, runAsNonRoot" + grouped)
        elif uid == 0 or user.split(":")[0] == "root":
            part.note(svc.name, "user", "decide", where, f"root, the image's own user: {stepping}"
                      if steps_down else
                      "root in Compose; the pod sets no runAsUser, so it runs as the image's "
                      "own user, every capability dropped: what needed root (a chown, a low "
                      "port) fails. Find a user the image can run as, or set runAsUser: 0 in "
                      "an overlay where the cluster allows root")
        else:
            part.note(svc.name, "user", "decide", where,
                      "a user name: the kubelet cannot check it is not root; set runAsUser "
                      "to its uid and runAsNonRoot: true in an overlay"
                      + (f"; until then {stepping}" if steps_down else ""))
    elif repo and ctx.defaults.runs_unprivileged(repo):
        sc["runAsNonRoot"] = True
        part.note(svc.name, "user", "approximated", where,
                  "runAsNonRoot: the image is known to run as a non-root user" + grouped)
    elif not steps_down:
        part.note(svc.name, "user", "decide", where,
                  "the image may run as root: set runAsUser/runAsNonRoot once you know its "
                  "user, and check it still works with every capability dropped" + grouped)
    if svc.get("read_only"):
        sc["readOnlyRootFilesystem"] = True
        part.note(svc.name, "read_only", "mapped", where, "readOnlyRootFilesystem")
    if svc.privileged:
        part.note(svc.name, "privileged", "decide", where,
                  "privileged is not emitted: find the capabilities or device it needs")
    return sc, part
