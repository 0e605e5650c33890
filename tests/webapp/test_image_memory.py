"""Images are decoded within a memory budget shared by all the server's processes: the budget's
slots, a refusal's 503, the PNG check that never makes the frame, and the whole server under the
largest allowed images."""

from __future__ import annotations

import io
import multiprocessing
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image as PILImage

from benchmarks.image_memory import GIB, MIB, run, solid_png
from tests.helpers import assert_error, blob_files, image_count, post_image, staged_files
from webapp.errors import ServiceUnavailable
from webapp.services import decode_budget
from webapp.services.decode_budget import SLOT_BYTES, BudgetExhausted, DecodeBudget
from webapp.settings import get_settings

# Decode memory, whatever the database: the PostgreSQL pass of scripts/test.sh skips it.
pytestmark = pytest.mark.database_independent

MB = 1024 * 1024
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def budget(tmp_path: Path) -> DecodeBudget:
    return DecodeBudget(tmp_path / "decode-budget", 8 * SLOT_BYTES, wait_s=30)


# --- the budget -----------------------------------------------------------------------------------


def test_small_decodes_take_no_slot(budget: DecodeBudget) -> None:
    with budget.reserve(4 * MB) as slots:
        assert slots == 0
    assert not budget.directory.exists()


def test_a_decode_holds_its_slots_until_it_ends_or_raises(budget: DecodeBudget) -> None:
    with budget.reserve(3 * SLOT_BYTES - 1) as slots:
        assert slots == 3 and budget.busy_slots() == 3
    assert budget.busy_slots() == 0
    with pytest.raises(RuntimeError), budget.reserve(5 * SLOT_BYTES):
        assert budget.busy_slots() == 5
        raise RuntimeError("the decoder failed")
    assert budget.busy_slots() == 0


def test_a_decode_larger_than_the_budget_runs_alone(budget: DecodeBudget) -> None:
    with budget.reserve(100 * SLOT_BYTES) as slots:
        assert slots == budget.slots == budget.busy_slots()


def test_a_decode_waits_for_room_then_runs(budget: DecodeBudget) -> None:
    held = budget.reserve(6 * SLOT_BYTES)
    held.__enter__()
    done: list[int] = []

    def wait() -> None:
        with budget.reserve(4 * SLOT_BYTES) as slots:
            done.append(slots)

    waiter = threading.Thread(target=wait)
    waiter.start()
    waiter.join(0.5)
    # 6 of 8 slots are held: the waiter cannot have its 4 yet, whatever the timing.
    assert not done and waiter.is_alive()
    held.__exit__(None, None, None)
    waiter.join(60)
    assert done == [4]


def test_no_room_in_time_is_a_503_naming_the_budget(tmp_path: Path) -> None:
    budget = DecodeBudget(tmp_path / "slots", 4 * SLOT_BYTES, wait_s=0.2)
    with budget.reserve(3 * SLOT_BYTES):
        with pytest.raises(BudgetExhausted) as refused, budget.reserve(2 * SLOT_BYTES, "PNG thumbnail"):
            pytest.fail("two slots are not free")
        # Another thread's decode is still under way; the refused one held nothing.
        assert budget.busy_slots() == 3
    assert isinstance(refused.value, ServiceUnavailable) and refused.value.status == 503
    assert refused.value.retry_after_s >= 1
    assert "PNG thumbnail" in (refused.value.details or "") and "64 MB decode budget" in (
        refused.value.details or ""
    )


def _hold_and_count(args: tuple[Path, int, int, Any, Any]) -> None:
    directory, total, nbytes, held, peak = args
    budget = DecodeBudget(directory, total, wait_s=60)
    for _ in range(3):
        with budget.reserve(nbytes):
            with held.get_lock():
                held.value += nbytes
                peak.value = max(peak.value, held.value)
            with held.get_lock():
                held.value -= nbytes


def test_the_bound_holds_across_processes_and_threads(tmp_path: Path) -> None:
    """Six processes of three threads each, every decode taking 3/8 of the budget: never more than
    two at once, whichever processes they are in."""
    ctx = multiprocessing.get_context("fork")
    held, peak = ctx.Value("q", 0), ctx.Value("q", 0)
    total, nbytes = 8 * SLOT_BYTES, 3 * SLOT_BYTES

    def threads_in_a_process() -> None:
        workers = [
            threading.Thread(target=_hold_and_count, args=((tmp_path, total, nbytes, held, peak),))
            for _ in range(3)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()

    procs = [ctx.Process(target=threads_in_a_process) for _ in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert nbytes <= peak.value <= total
    assert held.value == 0


def test_a_dead_process_holds_nothing(budget: DecodeBudget) -> None:
    ctx = multiprocessing.get_context("fork")

    def die_while_decoding() -> None:
        with budget.reserve(budget.total_bytes):
            os._exit(3)

    child = ctx.Process(target=die_while_decoding)
    child.start()
    child.join(60)
    assert child.exitcode == 3
    assert budget.busy_slots() == 0


# --- refusals through the API ---------------------------------------------------------------------


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"decode_wait_s": 0}


@pytest.fixture
def key(admin_headers: dict[str, str], provision: Any) -> str:
    return str(provision(admin_headers, "CAM-MEM")["api_key"])


@pytest.fixture
def app_budget(app: Flask) -> DecodeBudget:
    budget = decode_budget.current()
    assert budget is not None and budget.directory == Path(get_settings(app).data_dir) / ("decode-budget")
    return budget


def _noise(fmt: str, size: tuple[int, int]) -> bytes:
    pixels = np.random.default_rng(7).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    out = io.BytesIO()
    PILImage.fromarray(pixels).save(out, fmt, **({"quality": 50} if fmt == "WEBP" else {}))
    return out.getvalue()


def test_a_webp_upload_without_room_is_a_503_and_changes_nothing(
    client: FlaskClient, key: str, data_dir: Path, app_budget: DecodeBudget
) -> None:
    data = _noise("WEBP", (1200, 1000))  # decoding it holds about 14 MB
    # Another worker's decode holds the whole budget.
    with DecodeBudget(app_budget.directory, app_budget.total_bytes, 0).reserve(app_budget.total_bytes):
        resp = post_image(client, key, data, "cam.webp")
        assert_error(resp, 503, "SERVICE_UNAVAILABLE")
        assert resp.headers["Retry-After"].isdigit()
        assert "decode budget" in resp.get_json()["error"]["details"]
        assert image_count() == 0 and blob_files(data_dir) == [] and staged_files(data_dir) == []
    assert post_image(client, key, data, "cam.webp").status_code == 201


def test_a_thumbnail_without_room_is_a_503_and_is_made_later(
    client: FlaskClient, key: str, admin_headers: dict[str, str], data_dir: Path, app_budget: DecodeBudget
) -> None:
    uploaded = post_image(client, key, _noise("PNG", (2000, 1500)), "cam.png")  # a 12 MB frame
    assert uploaded.status_code == 201, uploaded.get_json()
    url = f"/api/data/images/{uploaded.get_json()['data']['id']}/thumbnail"
    with DecodeBudget(app_budget.directory, app_budget.total_bytes, 0).reserve(app_budget.total_bytes):
        resp = client.get(url, headers=admin_headers)
        assert_error(resp, 503, "SERVICE_UNAVAILABLE")
        assert int(resp.headers["Retry-After"]) >= 1
        assert not list((data_dir / "blobs").rglob("*thumb*"))
    made = client.get(url, headers=admin_headers)
    assert made.status_code == 200 and made.headers["Content-Type"] == "image/jpeg"


def test_a_png_over_the_pixel_limit_is_a_400_and_changes_nothing(
    client: FlaskClient, key: str, data_dir: Path
) -> None:
    resp = post_image(client, key, solid_png(8001, 8000, (1, 2, 3)), "big.png")
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert resp.get_json()["error"]["message"] == "Image has too many pixels"
    assert image_count() == 0 and blob_files(data_dir) == [] and staged_files(data_dir) == []


def test_a_truncated_large_png_is_a_400(client: FlaskClient, key: str) -> None:
    data = solid_png(8000, 8000, (1, 2, 3))
    resp = post_image(client, key, data[: len(data) // 2], "cut.png")
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert resp.get_json()["error"]["message"] == "File is not a valid JPEG, PNG or WebP image"


# --- memory ---------------------------------------------------------------------------------------


def test_checking_the_largest_png_never_makes_its_frame(tmp_path: Path) -> None:
    """A 64 MP PNG (256 MB as a frame) is checked in a fresh process that stays far below that."""
    path = tmp_path / "big.png"
    path.write_bytes(solid_png(8000, 8000, (9, 8, 7)))
    script = textwrap.dedent(
        f"""
        import resource
        from pathlib import Path
        from webapp.services.image_check import inspect_image
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(inspect_image(Path({str(path)!r}), 64_000_000).width)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO, timeout=300
    )
    width, grown_kb = (int(line) for line in done.stdout.split())
    assert width == 8000
    assert grown_kb * 1024 < 64 * MB  # peak RSS growth; decoding the frame whole took over 256 MB


@pytest.mark.slow
def test_the_whole_server_decodes_the_largest_images_within_1_gib() -> None:
    """`acusight serve` (3 workers x 4 threads): eight concurrent uploads of 64 MP PNGs, their eight
    first thumbnails, then a large baseline and a progressive JPEG. Before the budget, the summed RSS
    of the server grew by 3.9 GiB and kept it; now it must stay within 1 GiB and give it back."""
    result = run("test", REPO, count=8, workers=3, threads=4, env={})
    print(result.report())
    assert all(code in (200, 201) for codes in result.statuses.values() for code in codes), result.statuses
    assert result.peak <= GIB
    assert result.held <= 200 * MIB
