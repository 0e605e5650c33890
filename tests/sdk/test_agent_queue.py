"""The agent's on-disk queue: bounds with oldest-first eviction, acknowledgement, report batches that keep
their batch_id across a restart."""

from __future__ import annotations

from pathlib import Path

from acusight_sdk.agent.queue import DROPPED, EVICTED, UPLOADED, FrameQueue
from acusight_sdk.device import Frame


def frame(i: int, size: int = 100) -> Frame:
    return Frame(bytes([i % 256]) * size, f"f{i}.png", captured_at="2026-01-01T00:00:00+00:00")


def test_the_count_bound_evicts_the_oldest_first_and_counts(tmp_path: Path) -> None:
    queue = FrameQueue(tmp_path / "q.sqlite3", max_bytes=None, max_frames=3)
    evicted = [queue.put(frame(i)) for i in range(5)]
    assert evicted == [0, 0, 0, 1, 1]
    assert [q.frame.filename for q in queue.peek(10)] == ["f2.png", "f3.png", "f4.png"]
    stats = queue.stats()
    assert (stats.frames, stats.bytes, stats.counters[EVICTED]) == (3, 300, 2)


def test_the_byte_bound_evicts_the_oldest_and_a_frame_too_large_alone(tmp_path: Path) -> None:
    queue = FrameQueue(tmp_path / "q.sqlite3", max_bytes=250, max_frames=None)
    queue.put(frame(0))
    queue.put(frame(1))
    assert queue.put(frame(2)) == 1  # 300 bytes > 250: the oldest goes
    assert [q.frame.filename for q in queue.peek(10)] == ["f1.png", "f2.png"]
    assert queue.put(frame(3, size=1000)) == 3  # larger than the bound by itself: nothing is left
    assert queue.stats().frames == 0 and queue.stats().bytes == 0


def test_frames_leave_only_when_acknowledged_or_dropped_and_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    queue = FrameQueue(path)
    for i in range(4):
        queue.put(Frame(bytes([i]) * 10, metadata={"i": i}, prediction={"label": "a", "score": 0.5}))
    first = queue.peek(2)
    queue.ack([first[0].id])
    queue.drop([first[1].id])
    queue.close()
    reopened = FrameQueue(path)
    left = reopened.peek(10)
    assert [q.frame.metadata for q in left] == [{"i": 2}, {"i": 3}]
    assert left[0].frame.prediction == {"label": "a", "score": 0.5}
    assert left[0].frame.sha256 == Frame(bytes([2]) * 10).sha256
    counters = reopened.stats().counters
    assert (counters[UPLOADED], counters[DROPPED]) == (1, 1)


def test_a_report_batch_keeps_its_id_until_it_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    queue = FrameQueue(path)
    queue.add_predictions([{"n": i} for i in range(5)])
    batch = queue.next_report(limit=3)
    assert batch is not None and [p["n"] for p in batch[1]] == [0, 1, 2]
    queue.add_predictions([{"n": 5}])
    queue.close()
    # The send's answer was lost and the agent restarted: the same batch, under the same id.
    queue = FrameQueue(path)
    assert queue.next_report(limit=3) == batch
    queue.reported(batch[0])
    after = queue.next_report(limit=3)
    assert after is not None and after[0] != batch[0] and [p["n"] for p in after[1]] == [3, 4, 5]
    queue.reported(after[0])
    assert queue.next_report() is None and queue.stats().predictions == 0


def test_predictions_past_their_bound_evict_the_oldest(tmp_path: Path) -> None:
    queue = FrameQueue(tmp_path / "q.sqlite3", max_predictions=3)
    assert queue.add_predictions([{"n": i} for i in range(5)]) == 2
    batch = queue.next_report()
    assert batch is not None and [p["n"] for p in batch[1]] == [2, 3, 4]
