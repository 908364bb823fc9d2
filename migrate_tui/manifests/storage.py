"""Storage: the PersistentVolumeClaims that are not a StatefulSet's claim templates."""

from __future__ import annotations

from migrate_tui.manifests.common import Obj, Part, metadata
from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.names import LABEL_PART_OF


def _claim(name: str, size: str, mode: str) -> Obj:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": name},
            "spec": {"accessModes": [mode], "resources": {"requests": {"storage": size}}}}


def build_claims(ctx: Context, f: ServiceFacts) -> Part:
    """A ReadWriteOnce PVC for each named volume of a service that is not a StatefulSet."""
    part = Part()
    seen: set[str] = set()
    for name in (f.name, *f.sidecars):
        for v in ctx.facts[name].volumes:
            if v.mode == "pvc" and v.claim and v.claim not in seen:
                seen.add(v.claim)
                claim = _claim(v.claim, v.size or ctx.defaults.storage.default, "ReadWriteOnce")
                claim["metadata"] = metadata(ctx, f, v.claim)
                part.objects.append(claim)
    return part


def shared_claims(ctx: Context) -> list[Obj]:
    """One ReadWriteMany PVC per volume that several services mount."""
    out: dict[str, Obj] = {}
    for f in ctx.deployed():
        for v in f.volumes:
            if v.mode == "shared-pvc" and v.claim and v.claim not in out:
                claim = _claim(v.claim, v.size or ctx.defaults.storage.default, "ReadWriteMany")
                claim["metadata"]["labels"] = {LABEL_PART_OF: ctx.project_label,
                                               "app.kubernetes.io/managed-by": "migrate-tui"}
                claim["metadata"]["annotations"] = {"migrate-tui/source": f.source}
                out[v.claim] = claim
            elif v.mode == "shared-pvc" and v.claim and v.size:
                # the biggest size any of its users asks for
                have = out[v.claim]["spec"]["resources"]["requests"]["storage"]
                if _bytes(v.size) > _bytes(have):
                    out[v.claim]["spec"]["resources"]["requests"]["storage"] = v.size
    return [out[k] for k in sorted(out)]


def _bytes(q: str) -> float:
    for unit, factor in (("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40),
                         ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12)):
        if q.endswith(unit):
            return float(q[: -len(unit)]) * factor
    return float(q)
