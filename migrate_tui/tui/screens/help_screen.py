"""The keys, on one screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# migrate-tui

| Key | Where | What |
|---|---|---|
| `1`-`6` | anywhere but a number field | Overview, Services, Graph, Plan, Findings, Manifests |
| `a` or `tab` | Overview | to the answers and the team; saved as you type (or on leaving) |
| `escape` | in a field | leave it (the number keys switch views again) |
| `ctrl+p` | anywhere | the command palette: every action, and "open service NAME" |
| `e` | anywhere | export the plan as Markdown, or write the Kubernetes manifests into a folder |
| `r` | anywhere | reload the compose files and the progress file |
| `?` | anywhere | this help |
| `q` | anywhere | quit |
| `space` | Plan | toggle the selected item done / todo |
| `s` `a` `n` | Plan | the item's status, assignee, note |
| `/` | Services | filter; `enter` goes back to the table keeping it, `escape` clears it |
| `o` | Services | sort by the next column (or click a header) |
| `c` | Services | override: stateful / stateless (saved, re-plans) |
| `k` | Services | override: kind (service, job, dev-only, daemon, tool) |
| `d` | Services | reset the overrides: back to the detected class and kind |
| `enter` | Graph, Findings | open the service |
| `m` | Services | the service's manifests and ledger (the Manifests view) |
| `tab` | Manifests | to the YAML pane, to scroll it (arrows, page keys) |

Every change is saved to the progress file at once (see the line above the footer);
`q` saves an answer still being typed before it quits.
The Plan and Findings views show the selected line whole below the list.
A teammate's change to that file (after a `git pull`) is picked up within a second.
"""


class HelpScreen(ModalScreen[None]):
    """Press any of escape, ? or q to close."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        """The key bindings, as Markdown in a scrolling panel."""
        with VerticalScroll(classes="dialog", id="help"):
            yield Markdown(HELP)

    def action_close(self) -> None:
        """Close the help and go back to where the user was."""
        self.dismiss(None)
