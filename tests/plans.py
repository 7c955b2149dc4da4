"""What a page asks the database, and how PostgreSQL answers: the SELECTs of one request with their
plans (EXPLAIN … FORMAT JSON), for tests that pin plans and for the benchmarks' buffer counts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class QueryPlan:
    sql: str
    indexes: list[str] = field(default_factory=list)  # in plan order, repeated as often as used
    nodes: list[str] = field(default_factory=list)  # "Index Scan", "Seq Scan on cases_case", …
    buffers: int = 0  # shared blocks hit + read (ANALYZE only)
    ms: float = 0.0  # execution time (ANALYZE only)


def _walk(node: dict, plan: QueryPlan) -> None:
    if "Index Name" in node:
        plan.indexes.append(node["Index Name"])
    relation = node.get("Relation Name")
    plan.nodes.append(node["Node Type"] + (f" on {relation}" if relation else ""))
    for child in node.get("Plans", ()):
        _walk(child, plan)


def explain(sql: str, *, analyze: bool = False) -> QueryPlan:
    """The plan of one captured statement (its parameters are already inlined by the client cursor)."""
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        document = cursor.fetchone()[0]
    top = (json.loads(document) if isinstance(document, str) else document)[0]
    plan = QueryPlan(sql=sql)
    _walk(top["Plan"], plan)
    if analyze:
        plan.buffers = top["Plan"].get("Shared Hit Blocks", 0) + top["Plan"].get("Shared Read Blocks", 0)
        plan.ms = top.get("Execution Time", 0.0)
    return plan


def page_queries(client, url: str) -> tuple[int, list[str]]:
    """GET `url` once: the number of statements on the request's connection and the SELECTs among them."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    return len(captured.captured_queries), selects


def page_plans(client, url: str, *, analyze: bool = False) -> tuple[int, list[QueryPlan]]:
    """GET `url` once, then explain each of its SELECTs: (statement count, plans in request order)."""
    count, selects = page_queries(client, url)
    return count, [explain(sql, analyze=analyze) for sql in selects]
