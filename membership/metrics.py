"""Prometheus metrics: request counts and latency histograms, by GraphQL operation name."""

from __future__ import annotations

import functools
from typing import Any

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
    count, latency = _operation(name[:64], failed)
    count.inc()
    latency.observe(seconds)


@functools.lru_cache(maxsize=4096)
def _operation(label: str, failed: bool) -> tuple[Any, Any]:
    """The metric children of an operation, looked up once (labels() takes a lock each time)."""
    return (
        GRAPHQL_OPERATIONS.labels(label, "error" if failed else "ok"),
        GRAPHQL_LATENCY.labels(label),
    )


def observe_http(path: str, status: int, seconds: float) -> None:
    count, latency = _http(path if path in _ROUTES else _other(path), status)
    count.inc()
    latency.observe(seconds)


_ROUTES = frozenset(("/graphql", "/healthz", "/readyz", "/metrics"))


def _other(path: str) -> str:
    return "/admin" if path.startswith("/admin") else "other"


@functools.lru_cache(maxsize=256)
def _http(route: str, status: int) -> tuple[Any, Any]:
    return HTTP_REQUESTS.labels(route, str(status)), HTTP_LATENCY.labels(route)


def render() -> bytes:
    return generate_latest(REGISTRY)
