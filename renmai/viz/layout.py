"""Where nodes go: the browser's physics for small graphs, computed here for large ones.

vis-network's physics needs about 100 ms per iteration for 3,000 nodes in
headless Chromium on a 2-core machine, so settling a large graph in the
browser takes minutes; networkx's spring and ForceAtlas2 layouts need about
0.5 s per iteration at that size (and numpy, which renmai does not otherwise
need). Above :data:`LARGE_GRAPH` nodes the layout is therefore computed here,
in plain Python, in well under a second, and the page starts with physics off:

1. each connected component gets a radial tree layout (a breadth-first tree
   from its best-connected node, each subtree in a sector as wide as its
   size), which already separates the clusters; each ring is as wide as its
   number of nodes needs (about one node per EDGE_LENGTH squared), so that a
   dense graph, whose tree has few and crowded rings, starts spread out;
2. a few rounds of Fruchterman–Reingold relaxation with grid-bounded
   repulsion (only nearby nodes push each other, so a round is linear in the
   number of nodes as long as they stay spread) pull linked nodes together
   and push overlaps apart; after each round no node may be nearer the
   centre than a disc of uniform density would put it, which stands in for
   the far-reaching repulsion left out (without it, the many edges of a dense
   graph pull it into a crowded ball); two last rounds only push apart;
3. components are packed in rows, largest first.

docs/viz.md has the measurements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from time import perf_counter

#: Above this many nodes the layout is computed here and physics is off.
LARGE_GRAPH = 300
#: Bound on the browser's stabilisation for graphs up to LARGE_GRAPH nodes.
STABILISATION_ITERATIONS = 250
#: Ideal length of an edge, in vis-network's pixels at zoom 1.
EDGE_LENGTH = 90.0
#: Relaxation rounds for large graphs: enough to untangle the radial start.
RELAX_ROUNDS = 12
#: Rounds of repulsion alone after those, to part the nodes still overlapping.
SEPARATE_ROUNDS = 2
#: Room per node, in EDGE_LENGTH squared: the density of the radial start and
#: the least room the relaxation leaves (the nodes' labels need about this).
NODE_AREA = 1.0
#: Above this many nodes the rounds are cut in proportion, so that the time
#: spent here stays about what 3,000 nodes take.
FULL_ROUNDS_UP_TO = 3000


@dataclass(frozen=True)
class Layout:
    """Positions by id when computed here; None: the browser lays the graph out."""

    positions: dict[str, tuple[float, float]] | None
    #: How many nodes there are.
    nodes: int = 0
    #: Bound on the browser's stabilisation iterations (small graphs).
    iterations: int = STABILISATION_ITERATIONS
    #: How long computing the positions took, in seconds.
    seconds: float = 0.0


def compute_layout(
    ids: Sequence[str], ends: Sequence[tuple[str, str]], *, threshold: int = LARGE_GRAPH
) -> Layout:
    """The layout for a graph: computed here above ``threshold`` nodes."""
    if len(ids) <= threshold:
        return Layout(None, nodes=len(ids))
    start = perf_counter()
    rounds = RELAX_ROUNDS
    if len(ids) > FULL_ROUNDS_UP_TO:
        rounds = max(3, round(RELAX_ROUNDS * FULL_ROUNDS_UP_TO / len(ids)))
    positions = force_layout(ids, ends, rounds=rounds)
    return Layout(positions, nodes=len(ids), iterations=0, seconds=perf_counter() - start)


def force_layout(
    ids: Sequence[str],
    ends: Sequence[tuple[str, str]],
    *,
    rounds: int = RELAX_ROUNDS,
    edge_length: float = EDGE_LENGTH,
) -> dict[str, tuple[float, float]]:
    """Positions for every id: radial start, relaxation, components packed.

    Deterministic: the same graph gives the same positions.
    """
    index = {node_id: i for i, node_id in enumerate(ids)}
    adjacency: list[set[int]] = [set() for _ in ids]
    for a, b in ends:
        ia, ib = index.get(a), index.get(b)
        if ia is None or ib is None or ia == ib:
            continue
        adjacency[ia].add(ib)
        adjacency[ib].add(ia)
    neighbours = [sorted(s) for s in adjacency]
    x = [0.0] * len(ids)
    y = [0.0] * len(ids)
    boxes = []
    for component in _components(neighbours):
        _radial(component, neighbours, x, y, edge_length)
        if len(component) > 2:
            _relax(component, neighbours, x, y, rounds, edge_length)
        boxes.append((component, _bounds(component, x, y)))
    _pack(boxes, x, y, edge_length)
    return {node_id: (round(x[i], 1), round(y[i], 1)) for node_id, i in index.items()}


def _components(neighbours: list[list[int]]) -> list[list[int]]:
    """Connected components, largest first, each in breadth-first order from
    its best-connected node (ties: the earlier node)."""
    seen = [False] * len(neighbours)
    order = sorted(range(len(neighbours)), key=lambda i: -len(neighbours[i]))
    components = []
    for root in order:
        if seen[root]:
            continue
        seen[root] = True
        component = [root]
        for node in component:  # grows while it is walked: breadth-first
            for other in neighbours[node]:
                if not seen[other]:
                    seen[other] = True
                    component.append(other)
        components.append(component)
    components.sort(key=len, reverse=True)
    return components


def _radial(
    component: list[int], neighbours: list[list[int]], x: list[float], y: list[float], k: float
) -> None:
    """A radial tree layout of one component (given in breadth-first order)."""
    root = component[0]
    members = set(component)
    parent = {root: -1}
    children: dict[int, list[int]] = {node: [] for node in component}
    depth = {root: 0}
    for node in component:
        for other in neighbours[node]:
            if other in members and other not in parent:
                parent[other] = node
                depth[other] = depth[node] + 1
                children[node].append(other)
    # The breadth-first order may differ from the order children were found in
    # when a later node claims an unseen one; walk the tree itself instead.
    walk = [root]
    for node in walk:
        walk.extend(children[node])
    size = dict.fromkeys(component, 1)
    for node in reversed(walk):
        if parent[node] >= 0:
            size[parent[node]] += size[node]
    start = {root: 0.0}
    span = {root: 2 * math.pi}
    middle = {root: 0.0}
    rings: list[list[int]] = [[root]]
    for node in walk:
        angle = start[node]
        for child in children[node]:
            share = span[node] * size[child] / max(size[node] - 1, 1)
            start[child] = angle
            span[child] = share
            middle[child] = angle + share / 2
            angle += share
            if depth[child] == len(rings):
                rings.append([])
            rings[depth[child]].append(child)
    x[root] = y[root] = 0.0
    _place_rings(rings[1:], middle, x, y, k)


def _place_rings(
    rings: list[list[int]], angle: dict[int, float], x: list[float], y: list[float], k: float
) -> None:
    """Each ring, by its nodes' angles, in an annulus as wide as its nodes need.

    A ring of many nodes (a hub's neighbours) would be crowded on one circle;
    it gets an annulus of about NODE_AREA per node, and its nodes take turns
    across lanes ``k`` apart, in the order of their angles, so that neighbours
    on the ring are not neighbours on the page.
    """
    outer = 0.0
    for ring in rings:
        inner = outer
        outer = max(inner + k, math.sqrt(inner * inner + len(ring) * NODE_AREA * k * k / math.pi))
        lanes = max(1, int((outer - inner) / k))
        width = (outer - inner) / lanes
        ring.sort(key=angle.__getitem__)
        for turn, node in enumerate(ring):
            radius = inner + width * (turn % lanes + 1)
            x[node] = radius * math.cos(angle[node])
            y[node] = radius * math.sin(angle[node])


def _relax(
    component: list[int],
    neighbours: list[list[int]],
    x: list[float],
    y: list[float],
    rounds: int,
    k: float,
) -> None:
    """Fruchterman–Reingold rounds; repulsion only within a cell's reach, the
    far-reaching part replaced by :func:`_keep_spread`; then rounds of
    repulsion alone."""
    local = {node: i for i, node in enumerate(component)}
    xs = [x[node] for node in component]
    ys = [y[node] for node in component]
    edges = [(local[a], local[b]) for a in component for b in neighbours[a] if a < b and b in local]
    n = len(component)
    k2 = k * k
    reach = 2 * k
    reach2 = reach * reach
    forward = ((1, 0), (1, 1), (0, 1), (-1, 1))
    total = rounds + SEPARATE_ROUNDS
    for round_no in range(total):
        # Cooling: large moves first, small adjustments at the end.
        temperature = k * 2.0 * (1 - round_no / total) + k * 0.05
        dx = [0.0] * n
        dy = [0.0] * n
        cells: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            cells.setdefault((int(xs[i] // reach), int(ys[i] // reach)), []).append(i)
        # Each pair of nearby nodes once: within a cell, and with the cells
        # to the right and below. The force is inlined: this loop is the cost.
        for (cx, cy), here in cells.items():
            reachable = [here]
            for ox, oy in forward:
                there = cells.get((cx + ox, cy + oy))
                if there:
                    reachable.append(there)
            for a_pos, a in enumerate(here):
                ax, ay = xs[a], ys[a]
                fxa = fya = 0.0
                for group_no, group in enumerate(reachable):
                    for b in group[a_pos + 1 :] if group_no == 0 else group:
                        ex = ax - xs[b]
                        ey = ay - ys[b]
                        d2 = ex * ex + ey * ey
                        if d2 >= reach2:
                            continue
                        if d2 < 0.01:
                            # Two nodes on one spot: part them along their indices.
                            ex, ey, d2 = 0.1 * ((a - b) % 5 + 1), 0.1, 0.02
                        force = k2 / d2
                        fxa += ex * force
                        fya += ey * force
                        dx[b] -= ex * force
                        dy[b] -= ey * force
                dx[a] += fxa
                dy[a] += fya
        # The last SEPARATE_ROUNDS only push apart what still overlaps.
        attract = round_no < rounds
        if attract:
            for a, b in edges:
                ex = xs[a] - xs[b]
                ey = ys[a] - ys[b]
                dist = math.sqrt(ex * ex + ey * ey) or 0.01
                fx = ex * dist / k
                fy = ey * dist / k
                dx[a] -= fx
                dy[a] -= fy
                dx[b] += fx
                dy[b] += fy
        for i in range(n):
            length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if length > 0:
                step = min(length, temperature) / length
                xs[i] += dx[i] * step
                ys[i] += dy[i] * step
        if attract:
            _keep_spread(xs, ys, k)
    for i, node in enumerate(component):
        x[node] = xs[i]
        y[node] = ys[i]


def _keep_spread(xs: list[float], ys: list[float], k: float) -> None:
    """Move out any node nearer the centre than a uniform disc would put it.

    In a disc of NODE_AREA per node, the i-th node from the centre is at
    ``k * sqrt(i * NODE_AREA / pi)``; a node nearer than that goes out along
    its own direction to that distance. Only the crowded middle moves, so the
    shape and the order around the centre are kept, and the grid-bounded
    repulsion stays linear.
    """
    n = len(xs)
    cx, cy = sum(xs) / n, sum(ys) / n
    dist = [math.hypot(xs[i] - cx, ys[i] - cy) for i in range(n)]
    for rank, i in enumerate(sorted(range(n), key=dist.__getitem__)):
        least = k * math.sqrt((rank + 0.5) * NODE_AREA / math.pi)
        if dist[i] >= least:
            continue
        if dist[i] < 1e-6:
            # On the centre itself: out along a golden-angle direction.
            xs[i] = cx + least * math.cos(rank * 2.39996)
            ys[i] = cy + least * math.sin(rank * 2.39996)
        else:
            scale = least / dist[i]
            xs[i] = cx + (xs[i] - cx) * scale
            ys[i] = cy + (ys[i] - cy) * scale


def _bounds(component: list[int], x: list[float], y: list[float]) -> tuple[float, ...]:
    xs = [x[i] for i in component]
    ys = [y[i] for i in component]
    return (min(xs), min(ys), max(xs), max(ys))


def _pack(
    boxes: list[tuple[list[int], tuple[float, ...]]],
    x: list[float],
    y: list[float],
    k: float,
) -> None:
    """Components in rows, largest first, each moved to its place in the row."""
    if not boxes:
        return
    gap = k
    area = sum((b[2] - b[0] + gap) * (b[3] - b[1] + gap) for _, b in boxes)
    row_width = max(math.sqrt(area) * 1.2, boxes[0][1][2] - boxes[0][1][0] + gap)
    cursor_x = cursor_y = row_height = 0.0
    for component, (x0, y0, x1, y1) in boxes:
        width, height = x1 - x0 + gap, y1 - y0 + gap
        if cursor_x > 0 and cursor_x + width > row_width:
            cursor_x = 0.0
            cursor_y += row_height
            row_height = 0.0
        shift_x, shift_y = cursor_x - x0, cursor_y - y0
        for i in component:
            x[i] += shift_x
            y[i] += shift_y
        cursor_x += width
        row_height = max(row_height, height)
