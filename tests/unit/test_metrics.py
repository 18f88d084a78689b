"""The requests' metrics expose exactly what prometheus_client's Counter and Histogram would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from membership.metrics import _BUCKETS, _Requests

_observations = st.lists(
    st.tuples(
        st.sampled_from(["MemberByPhone", "RecordOrder", "anonymous"]),
        st.sampled_from(["ok", "error"]),
        st.one_of(
            st.sampled_from([0.0, *_BUCKETS, 7.5]),  # on a bound, and past the last
            st.floats(min_value=0, max_value=10, allow_nan=False),
        ),
    ),
    max_size=40,
)


def _without_creation_times(text: bytes) -> list[str]:
    return [line for line in text.decode().splitlines() if "_created{" not in line]


@given(_observations)
def test_the_exposition_is_prometheus_clients(observed: list[tuple[str, str, float]]) -> None:
    theirs = CollectorRegistry()
    count = Counter("t_ops_total", "ops", ["operation", "outcome"], registry=theirs)
    latency = Histogram("t_op_seconds", "latency", ["operation"], buckets=_BUCKETS, registry=theirs)
    ours = CollectorRegistry()
    requests = _Requests("t_ops_total", "ops", "t_op_seconds", "latency", ("operation", "outcome"))
    ours.register(requests)
    for operation, outcome, seconds in observed:
        count.labels(operation, outcome).inc()
        latency.labels(operation).observe(seconds)
        requests.observe(operation, outcome, seconds)
    assert _without_creation_times(generate_latest(ours)) == _without_creation_times(
        generate_latest(theirs)
    )
    created = [line for line in generate_latest(ours).decode().splitlines() if "_created{" in line]
    assert len(created) == len({(o, r) for o, r, _ in observed}) + len({o for o, _, _ in observed})
