"""Prometheus metrics: request counts and latency histograms, by GraphQL operation name.

Every request adds to two counters and two histograms. prometheus_client's own metrics take a
lock for each of those additions and find a histogram's bucket in a Python loop, which cost a
member lookup about 3 % of its instructions. The requests' metrics are therefore tallied here,
in plain lists that only the event loop's thread adds to, and handed to prometheus_client as
metric families when ``/metrics`` is scraped: the same names, labels, buckets and samples
(``_total``, ``_created``, ``_bucket``, ``_count``, ``_sum``) as its Counter and Histogram.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

__all__ = ["REGISTRY", "observe_http", "observe_operation", "render"]

REGISTRY = CollectorRegistry(auto_describe=True)
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_LE = (*(repr(b) for b in _BUCKETS), "+Inf")  # the bounds as prometheus_client writes them


class _Tally:
    """One label set's count, and its latencies by bucket (not cumulative) with their sum."""

    __slots__ = ("buckets", "count", "created", "sum")

    def __init__(self) -> None:
        self.count = 0
        self.buckets = [0] * len(_LE)
        self.sum = 0.0
        self.created = time.time()


class _Requests(Collector):
    """A counter of requests by (key, outcome) and a latency histogram by key, as
    prometheus_client's Counter and Histogram of those names would expose them."""

    def __init__(
        self,
        counter: str,
        counter_help: str,
        histogram: str,
        histogram_help: str,
        labels: tuple[str, str],
    ) -> None:
        self._counter, self._counter_help = counter, counter_help
        self._histogram, self._histogram_help = histogram, histogram_help
        self._labels = labels
        self._counts: dict[tuple[str, str], _Tally] = {}
        self._latencies: dict[str, _Tally] = {}

    def observe(self, key: str, outcome: str, seconds: float) -> None:
        counted = self._counts.get((key, outcome))
        if counted is None:
            counted = self._counts[(key, outcome)] = _Tally()
        counted.count += 1
        timed = self._latencies.get(key)
        if timed is None:
            timed = self._latencies[key] = _Tally()
        timed.count += 1
        timed.sum += seconds
        timed.buckets[bisect.bisect_left(_BUCKETS, seconds)] += 1  # le: upper bounds inclusive

    def collect(self) -> Iterator[Metric]:
        key_label, outcome_label = self._labels
        counter = Metric(self._counter.removesuffix("_total"), self._counter_help, "counter")
        for (key, outcome), tally in list(self._counts.items()):
            labels = {key_label: key, outcome_label: outcome}
            counter.add_sample(self._counter, labels, float(tally.count))
            counter.add_sample(counter.name + "_created", labels, tally.created)
        yield counter
        histogram = Metric(self._histogram, self._histogram_help, "histogram")
        for key, tally in list(self._latencies.items()):
            cumulative = 0
            for le, count in zip(_LE, tally.buckets, strict=True):
                cumulative += count
                histogram.add_sample(
                    self._histogram + "_bucket", {key_label: key, "le": le}, float(cumulative)
                )
            labels = {key_label: key}
            histogram.add_sample(self._histogram + "_count", labels, float(tally.count))
            histogram.add_sample(self._histogram + "_sum", labels, tally.sum)
            histogram.add_sample(self._histogram + "_created", labels, tally.created)
        yield histogram

    def describe(self) -> Iterator[Metric]:
        yield Metric(self._counter.removesuffix("_total"), self._counter_help, "counter")
        yield Metric(self._histogram, self._histogram_help, "histogram")


_OPERATIONS = _Requests(
    "membership_graphql_operations_total",
    "GraphQL operations executed",
    "membership_graphql_operation_seconds",
    "GraphQL operation latency",
    ("operation", "outcome"),
)
_HTTP = _Requests(
    "membership_http_requests_total",
    "HTTP requests",
    "membership_http_request_seconds",
    "HTTP request latency",
    ("path", "status"),
)
REGISTRY.register(_OPERATIONS)
REGISTRY.register(_HTTP)


def observe_operation(name: str, seconds: float, failed: bool) -> None:
    # Operation names come from clients: bound their length so labels stay a finite set.
    _OPERATIONS.observe(name[:64], "error" if failed else "ok", seconds)


def observe_http(path: str, status: int, seconds: float) -> None:
    _HTTP.observe(path if path in _ROUTES else _other(path), str(status), seconds)


_ROUTES = frozenset(("/graphql", "/healthz", "/readyz", "/metrics"))


def _other(path: str) -> str:
    return "/admin" if path.startswith("/admin") else "other"


def render() -> bytes:
    return generate_latest(REGISTRY)
