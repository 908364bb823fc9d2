"""The one graph implementation: components, waves, cycles, reachability, reduction.

The analysis needs a few graph algorithms on a few thousand services at most; written here
on dicts and lists (sets of services as the bits of an ``int``) they cost milliseconds,
where building ``networkx`` graphs and importing the library cost a tenth of a second. The
analysis sorts with them, the Markdown diagram reduces its edges with them, and the tests
check them against ``networkx``.

``networkx`` is imported here only, and only to list the elementary cycles of a project
that has some (:func:`cycles`): Johnson's algorithm is long to write again, and which
cycles are listed past :data:`MAX_CYCLES` follows its order, which the reports keep.

A graph is ``succ``: each node's successors, ``A -> B`` meaning A needs B. Nodes missing
from ``succ`` have none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

Succ = Mapping[str, Sequence[str]]
"""Successors by node."""

MAX_CYCLES = 50
"""Most cycles reported: enough to see the problem in a dense graph without enumerating
every loop of it."""


def adjacency(nodes: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The successors of each node from (source, target) pairs, each pair once, in order."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for source, target in dict.fromkeys(pairs):  # (each pair once, in order)
        if source in succ:
            succ[source].append(target)
        else:
            succ[source] = [target]
        if target not in succ:
            succ[target] = []
    return succ


def components(nodes: Iterable[str], succ: Succ) -> list[list[str]]:
    """The strongly connected components, each after every component it reaches.

    Tarjan's algorithm, without recursion: a chain of thousands of services is no problem.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ.get(root, ())))]
        while work:
            node, todo = work[-1]
            for nxt in todo:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(succ.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    out.append(component)
    return out


def waves(nodes: Sequence[str], succ: Succ,
          found: list[list[str]] | None = None) -> list[list[str]]:
    """Start-up waves: wave 0 needs nothing, wave n only earlier waves; a cycle in one wave.

    A component's wave is one more than the latest wave it needs (the topological
    generations of the condensation). Within a wave, the most depended-on node comes
    first (counting every node that reaches it, directly or not), then by name.

    Args:
        nodes: The nodes, in the order that breaks ties.
        succ: The successors of each node.
        found: The graph's :func:`components`, when the caller has them already.
    """
    if found is None:
        found = components(nodes, succ)
    comp_of = {n: i for i, members in enumerate(found) for n in members}
    bit = {n: 1 << i for i, n in enumerate(nodes)}
    for members in found:
        for n in members:
            bit.setdefault(n, 1 << len(bit))
    wave_of: list[int] = []
    needs: list[set[int]] = []
    for i, members in enumerate(found):  # each after every component it reaches
        targets = {comp_of[t] for n in members for t in succ.get(n, ())}
        targets.discard(i)
        needs.append(targets)
        wave_of.append(1 + max([wave_of[t] for t in targets]) if targets else 0)
    # Who reaches each component (outside it), as bits: sources first, passed on down.
    reached_by = [0] * len(found)
    members_bits = [bit[members[0]] if len(members) == 1 else sum(bit[n] for n in members)
                    for members in found]  # (nearly every component is one node)
    for i in range(len(found) - 1, -1, -1):
        passed = reached_by[i] | members_bits[i]
        for t in needs[i]:
            reached_by[t] |= passed
    by_wave: dict[int, list[tuple[int, str]]] = {}
    for i, members in enumerate(found):
        count = reached_by[i].bit_count() + len(members) - 1
        by_wave.setdefault(wave_of[i], []).extend((-count, n) for n in members)
    return [[n for _, n in sorted(by_wave[w])] for w in sorted(by_wave)]


def cycles(nodes: Sequence[str], succ: Succ,
           found: list[list[str]] | None = None) -> list[tuple[str, ...]]:
    """The elementary cycles, each from its smallest node, sorted; at most :data:`MAX_CYCLES`.

    Args:
        nodes: The nodes.
        succ: The successors of each node.
        found: The graph's :func:`components`, when the caller has them already.
    """
    cyclic = [c for c in (components(nodes, succ) if found is None else found)
              if len(c) > 1 or c[0] in succ.get(c[0], ())]
    if not cyclic:
        return []
    import networkx as nx

    out: set[tuple[str, ...]] = set()
    for component in sorted(cyclic, key=min):
        members = sorted(component)
        inside = set(members)
        sub = nx.DiGraph()
        sub.add_nodes_from(members)
        sub.add_edges_from((a, b) for a in members for b in sorted(succ.get(a, ()))
                           if b in inside)
        for cycle in nx.simple_cycles(sub):
            start = cycle.index(min(cycle))
            out.add(tuple(cycle[start:] + cycle[:start]))
            if len(out) >= MAX_CYCLES:
                return sorted(out)
    return sorted(out)


def reaches(nodes: Sequence[str], succ: Succ) -> dict[str, int]:
    """For each node, the nodes it reaches (itself included) as bits of ``bits_of(nodes)``."""
    bits = bits_of(nodes)
    found = components(nodes, succ)
    comp_of = {n: i for i, members in enumerate(found) for n in members}
    reach = [0] * len(found)
    for i, members in enumerate(found):  # each after every component it reaches
        value = 0
        for n in members:
            value |= bits[n]
            for t in succ.get(n, ()):
                if comp_of[t] != i:
                    value |= reach[comp_of[t]]
        reach[i] = value
    return {n: reach[comp_of[n]] for n in comp_of}


def bits_of(nodes: Sequence[str]) -> dict[str, int]:
    """One bit a node, in the order given."""
    return {n: 1 << i for i, n in enumerate(nodes)}


def is_acyclic(nodes: Sequence[str], succ: Succ) -> bool:
    """Whether the graph has no cycle (a node on a loop to itself is one)."""
    if any(n in succ.get(n, ()) for n in nodes):
        return False
    return all(len(c) == 1 for c in components(nodes, succ))


def transitive_reduction(nodes: Sequence[str], succ: Succ) -> set[tuple[str, str]]:
    """The edges of an acyclic graph that no longer path implies.

    An edge ``u -> v`` stays unless another successor of ``u`` reaches ``v``.
    """
    reach = reaches(nodes, succ)
    bits = bits_of(nodes)
    kept: set[tuple[str, str]] = set()
    for u in nodes:
        targets = succ.get(u, ())
        implied = 0
        for v in targets:
            implied |= reach[v] & ~bits[v]  # what v reaches, v itself aside
        kept.update((u, v) for v in targets if not implied & bits[v])
    return kept
