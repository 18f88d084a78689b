"""UUIDv7 ids: version 7, RFC 9562 variant, time-ordered, unique."""

from __future__ import annotations

import multiprocessing
import pickle
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from membership.ids import new_id, new_ids


def test_ids_are_version_7_and_ordered_by_time() -> None:
    before = time.time_ns() // 1_000_000
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert (first.version, first.variant) == (7, uuid.RFC_4122)
    assert first.int >> 80 >= before
    assert second > first
    assert len({new_id() for _ in range(10_000)}) == 10_000


def test_an_id_is_the_uuid_its_number_makes() -> None:
    made = new_id()
    same = uuid.UUID(int=made.int)
    assert made == same and hash(made) == hash(same) and str(made) == str(same)
    assert made.is_safe is same.is_safe and made.bytes == same.bytes
    assert pickle.loads(pickle.dumps(made)) == made
    assert {made: 1}[same] == 1


def test_ids_made_in_bulk_are_version_7_of_this_millisecond_and_distinct() -> None:
    before = time.time_ns() // 1_000_000
    made = [uuid.UUID(text) for text in new_ids(5_000)]
    after = time.time_ns() // 1_000_000
    assert len(set(made)) == 5_000
    assert {(u.version, u.variant) for u in made} == {(7, uuid.RFC_4122)}
    assert all(before <= u.int >> 80 <= after for u in made)
    assert {str(u)[19] for u in made} == set("89ab")  # the variant digit keeps 2 random bits


def test_threads_never_share_an_id() -> None:
    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(lambda _: [new_id() for _ in range(3_000)], range(8)))
    made = [i for batch in batches for i in batch]
    assert len(set(made)) == len(made)


def test_a_forked_process_makes_other_ids_than_its_parent() -> None:
    new_id()  # the parent holds randomness read ahead when it forks
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        child = pool.apply(_ids, (200,))
    parent = _ids(200)
    assert not set(child) & set(parent)


def _ids(count: int) -> list[str]:
    return [str(new_id())[15:] for _ in range(count)]  # the random part only
