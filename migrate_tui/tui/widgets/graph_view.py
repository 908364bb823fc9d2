"""The Graph view: the dependency graph drawn by waves, in the terminal.

Wave 0 (needs nothing) comes first; each service shows what it needs and how many need
it. Stateful services are marked, services on a cycle are red. Enter opens the service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from migrate_tui.text import plural
from migrate_tui.tui.messages import OpenService
from migrate_tui.tui.text import CLASS_STYLE, clean, plain

if TYPE_CHECKING:
    from migrate_tui.workspace import Workspace

_MARK = {"stateful": "◼ ", "stateless": "○ "}


class GraphView(Vertical):
    """The graph, one wave after the other."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.workspace: Workspace | None = None

    def compose(self) -> ComposeResult:
        """The legend, then the services wave by wave as a list to move through."""
        yield Static(id="graph-legend")
        yield OptionList(id="graph-nodes")

    def show(self, workspace: Workspace) -> None:
        """Draw ``workspace``'s graph."""
        self.workspace = workspace
        analysis = workspace.analysis
        active = {n for n, s in analysis.services.items() if s.active}
        on_cycle = {n for c in analysis.cycles for n in c}
        needs: dict[str, list[str]] = {}
        needed: dict[str, set[str]] = {}
        for e in analysis.edges:
            if e.kind == "shared_volume" or e.source not in active or e.target not in active:
                continue
            if e.target not in needs.setdefault(e.source, []):
                needs[e.source].append(e.target)
            needed.setdefault(e.target, set()).add(e.source)
        legend = Text()
        legend.append("◼ stateful  ", style=CLASS_STYLE["stateful"])
        legend.append("○ stateless  ", style=CLASS_STYLE["stateless"])
        legend.append("red: on a dependency cycle  ", style="bold red")
        legend.append("→ needs   ← needed by.  Enter opens a service.", style="dim")
        if analysis.cycles:
            legend.append("\nCycles: " + clean("; ".join(" → ".join(c) for c in analysis.cycles)),
                          style="bold red")
        self.query_one("#graph-legend", Static).update(legend)
        options: list[Option | None] = []
        for index, wave in enumerate(analysis.waves):
            members = [n for n in wave if n in active]
            if not members:
                continue
            title = Text(f"Wave {index}", style="bold reverse")
            title.append(f"  {plural(len(members), 'service')}"
                         + ("  (needs nothing)" if index == 0 else ""), style="bold")
            options.append(Option(title, disabled=True))
            for name in members:
                info = analysis.services[name]
                line = Text("  ")
                line.append(_MARK[info.service_class], style=CLASS_STYLE[info.service_class])
                line.append_text(plain(name, "bold red" if name in on_cycle else "bold"))
                if info.kind != "service":
                    line.append(f" [{info.kind}]", style="dim")
                if needs.get(name):
                    line.append("  → ", style="dim")
                    line.append_text(plain(", ".join(sorted(needs[name])[:8])
                                           + (" …" if len(needs[name]) > 8 else "")))
                if needed.get(name):
                    line.append(f"  ← {len(needed[name])}", style="cyan")
                options.append(Option(line, id=f"node:{name}"))
            options.append(None)
        nodes = self.query_one("#graph-nodes", OptionList)
        highlighted = nodes.highlighted
        nodes.clear_options()
        nodes.add_options(options[:-1] if options and options[-1] is None else options)
        if highlighted is not None and highlighted < nodes.option_count:
            nodes.highlighted = highlighted

    @on(OptionList.OptionSelected, "#graph-nodes")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id.startswith("node:"):
            self.post_message(OpenService(event.option.id.removeprefix("node:")))
