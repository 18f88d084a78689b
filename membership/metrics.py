"""Prometheus metrics: request counts and latency histograms, by GraphQL operation name."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

__all__ = ["REGISTRY", "observe_http", "observe_operation", "render"]

REGISTRY = CollectorRegistry(auto_describe=True)
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

GRAPHQL_OPERATIONS = Counter(
    "membership_graphql_operations_total",
    "GraphQL operations executed",
    ["operation", "outcome"],
    registry=REGISTRY,
)
GRAPHQL_LATENCY = Histogram(
    "membership_graphql_operation_seconds",
    "GraphQL operation latency",
    ["operation"],
    buckets=_BUCKETS,
    registry=REGISTRY,
)
HTTP_REQUESTS = Counter(
    "membership_http_requests_total",
    "HTTP requests",
    ["path", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "membership_http_request_seconds",
    "HTTP request latency",
    ["path"],
    buckets=_BUCKETS,
    registry=REGISTRY,
)


def observe_operation(name: str, seconds: float, failed: bool) -> None:
    # Operation names come from clients: bound their length so labels stay a finite set.
    label = name[:64]
    GRAPHQL_OPERATIONS.labels(label, "error" if failed else "ok").inc()
    GRAPHQL_LATENCY.labels(label).observe(seconds)


def observe_http(path: str, status: int, seconds: float) -> None:
    route = (
        path
        if path in ("/graphql", "/healthz", "/readyz", "/metrics")
        else ("/admin" if path.startswith("/admin") else "other")
    )
    HTTP_REQUESTS.labels(route, str(status)).inc()
    HTTP_LATENCY.labels(route).observe(seconds)


def render() -> bytes:
    return generate_latest(REGISTRY)
