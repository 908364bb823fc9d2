"""The start-up order on adjacency lists agrees with networkx, which it replaced."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate_tui.analysis.ordering import (
    MAX_CYCLES,
    adjacency,
    bits_of,
    cycles,
    is_acyclic,
    reaches,
    transitive_reduction,
    waves,
)

NAMES = [f"s{i}" for i in range(12)]

pairs = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)), max_size=40)


def _networkx_waves(graph: nx.DiGraph) -> list[list[str]]:
    """What the waves were when the analysis ran on networkx."""
    condensed = nx.condensation(graph)
    groups: dict[int, list[str]] = {}
    for node, component in condensed.graph["mapping"].items():
        groups.setdefault(component, []).append(node)
    return [sorted((n for c in generation for n in groups[c]),
                   key=lambda n: (-len(nx.ancestors(graph, n)), n))
            for generation in nx.topological_generations(condensed.reverse(copy=False))]


@settings(max_examples=300, deadline=None)
@given(pairs, st.lists(st.sampled_from(NAMES), max_size=4))
def test_waves_and_cycles_match_networkx(edges: list[tuple[str, str]], lonely: list[str]) -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted({*lonely, *(n for e in edges for n in e)}))
    graph.add_edges_from(edges)
    nodes = list(graph.nodes)
    succ = adjacency(nodes, edges)
    assert waves(nodes, succ) == _networkx_waves(graph)
    expected = set()
    for component in nx.strongly_connected_components(graph):
        node = min(component)
        if len(component) > 1 or graph.has_edge(node, node):
            for cycle in nx.simple_cycles(graph.subgraph(component)):
                start = cycle.index(min(cycle))
                expected.add(tuple(cycle[start:] + cycle[:start]))
    if len(expected) < MAX_CYCLES:  # past it only some are listed
        assert cycles(nodes, succ) == sorted(expected)


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_reachability_and_reduction_match_networkx(edges: list[tuple[str, str]]) -> None:
    graph = nx.DiGraph(edges)
    nodes = list(graph.nodes)
    succ = adjacency(nodes, edges)
    reach, bits = reaches(nodes, succ), bits_of(nodes)
    for a in nodes:
        for b in nodes:
            assert bool(reach[a] & bits[b]) == nx.has_path(graph, a, b)
    assert is_acyclic(nodes, succ) == nx.is_directed_acyclic_graph(graph)
    if nx.is_directed_acyclic_graph(graph):
        assert transitive_reduction(nodes, succ) == set(nx.transitive_reduction(graph).edges())
