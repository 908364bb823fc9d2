"""Rules about images: where they come from and which version runs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from migrate_tui.analysis.catalogue import image_tag
from migrate_tui.analysis.findings.base import Hit, RuleContext, rule


@rule("build-only")
def build_only(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Services built from a local folder: the cluster needs the image in a registry."""
    for name in ctx.setting("build"):
        svc = ctx.services[name]
        if svc.build is None:
            continue
        context = ctx.locator.relative(svc.build.context)
        if not (context.startswith("/") or context == "." or "://" in context or
                context.startswith("git@")):
            context = f"./{context}"
        evidence = ctx.locator.key(name, "build", text=f"build: {context}")
        if svc.image:
            yield Hit(name, evidence, {"context": context, "image": svc.image}, "tagged")
        else:
            yield Hit(name, evidence, {"context": context, "image": ""})


@rule("unpinned-image")
def unpinned_image(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Images with no tag or the ``latest`` tag."""
    for name in sorted(ctx.services):
        svc = ctx.services[name]
        if not svc.image or svc.build is not None:
            continue
        tag = image_tag(svc.image)
        if tag is None or tag == "latest":
            yield Hit(name, ctx.locator.key(name, "image", text=f"image: {svc.image}"),
                      {"image": svc.image}, "latest" if tag else None)
