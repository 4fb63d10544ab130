"""The graph written out: JSON (node-link), GraphML, Mermaid, Graphviz DOT."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx

FORMATS = ("json", "graphml", "mermaid", "dot")


def export(g: "networkx.MultiDiGraph", fmt: str) -> str:
    if fmt == "json":
        return _json(g)
    if fmt == "graphml":
        return _graphml(g)
    if fmt == "mermaid":
        return _mermaid(g)
    if fmt == "dot":
        return _dot(g)
    raise ValueError(f"unknown graph format {fmt!r} (choose from {', '.join(FORMATS)})")


def _json(g: "networkx.MultiDiGraph") -> str:
    import networkx as nx

    data = nx.node_link_data(g, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"


def _scalar(value: Any) -> Any:
    # GraphML holds only scalars, and no None.
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return " / ".join(map(str, value))
    return str(value)


def _graphml(g: "networkx.MultiDiGraph") -> str:
    import networkx as nx

    h = nx.MultiDiGraph()
    h.add_nodes_from((n, {k: _scalar(v) for k, v in d.items() if v is not None}) for n, d in g.nodes(data=True))
    h.add_edges_from(
        (u, v, k, {a: _scalar(x) for a, x in d.items() if x is not None}) for u, v, k, d in g.edges(keys=True, data=True)
    )
    buf = io.BytesIO()
    nx.write_graphml(h, buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


def _short(text: Any, width: int = 40) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _mermaid(g: "networkx.MultiDiGraph") -> str:
    ids = {n: f"n{i}" for i, n in enumerate(g.nodes)}
    shapes = {"note": ('["', '"]'), "section": ('("', '")'), "task": ('["', '"]'), "entry": ('(["', '"])'),
              "experiment": ('{{"', '"}}'), "unresolved": ('>"', '"]'), "attachment": ('[/"', '"/]')}  # fmt: skip
    lines = ["flowchart LR"]
    for n, d in g.nodes(data=True):
        left, right = shapes.get(d.get("kind"), ('["', '"]'))
        label = _short(d.get("label", n)).replace('"', "#quot;")
        lines.append(f"  {ids[n]}{left}{label}{right}")
    arrows = {"contains": "-->", "links_to": "-.->", "embeds": "==>", "thread": "-->", "reproduces": "-->"}
    for u, v, d in g.edges(data=True):
        kind = d.get("kind", "")
        lines.append(f"  {ids[u]} {arrows.get(kind, '-->')}|{kind}| {ids[v]}")
    return "\n".join(lines) + "\n"


def _dot_quote(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _dot(g: "networkx.MultiDiGraph") -> str:
    lines = ["digraph labnotes {", "  rankdir=LR;", "  node [shape=box];"]
    shapes = {"section": "folder", "entry": "note", "experiment": "hexagon", "unresolved": "octagon", "attachment": "component"}
    for n, d in g.nodes(data=True):
        attrs = f"label={_dot_quote(_short(d.get('label', n)))}, kind={_dot_quote(d.get('kind', ''))}"
        if d.get("kind") in shapes:
            attrs += f", shape={shapes[d['kind']]}"
        lines.append(f"  {_dot_quote(n)} [{attrs}];")
    styles = {"links_to": "dashed", "embeds": "bold", "thread": "solid", "reproduces": "dotted"}
    for u, v, d in g.edges(data=True):
        kind = d.get("kind", "")
        style = f", style={styles[kind]}" if kind in styles else ""
        lines.append(f"  {_dot_quote(u)} -> {_dot_quote(v)} [label={_dot_quote(kind)}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
