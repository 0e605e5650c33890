"""The device agent: offline-first uploads through a server SIGKILLed mid-stream, provisioning and its
key file, permanent refusals dropped, model updates that keep the old model when the new one is bad.

A real `acusight serve` (one per module, on the session's test database) answers the agent; model swaps
run against a stand-in client and a tiny ONNX classifier built here with onnx.helper (no torch).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from acusight_sdk.agent import Agent, AgentConfig, SetupError
from acusight_sdk.agent.cli import main as agent_main
from acusight_sdk.agent.models import Held, ModelSlot
from acusight_sdk.agent.queue import DROPPED, EVICTED, FrameQueue
from acusight_sdk.device import ChecksumMismatch
from acusight_sdk.model import DeviceModel
from flask import Flask
from flask.testing import FlaskClient
from onnx import TensorProto, helper
from sqlalchemy import func, select

from acusight.stack import free_port, serve_child, wait_http
from tests.conftest import png_bytes
from webapp.extensions import db
from webapp.models import Device, Image, User

LABELS = ["dark", "bright"]


class Server:
    """`acusight serve` in its own process group on the session's database: killed and restarted at will."""

    def __init__(self, data_dir: Path, database_url: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = {**os.environ, "ACUSIGHT_DATA_DIR": str(data_dir), "ACUSIGHT_DATABASE_URL": database_url}
        env["ACUSIGHT_CHECKIN_INTERVAL_S"] = "1"
        for name in ("ACUSIGHT_BLOB_BACKEND", "ACUSIGHT_WEB_WORKERS", "ACUSIGHT_WEB_THREADS"):
            env.pop(name, None)
        self.child = serve_child(self.port, env, log, workers=1, threads=4)

    def start(self) -> None:
        self.child.start()
        wait_http(f"{self.url}/openapi.json", 60, self.child)


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    where = tmp_path_factory.mktemp("agent-server")
    made = Server(where / "var", database_url, where / "server.log")
    made.start()
    yield made
    made.child.stop(30)


def token(client: FlaskClient, headers: dict[str, str]) -> str:
    answer = client.post("/api/provisioning-tokens", json={"name": "agent"}, headers=headers)
    return str(answer.get_json()["data"]["token"])


def config(server: Server, state: Path, **extra: Any) -> AgentConfig:
    settings: dict[str, Any] = {
        "api": server.url,
        "state_dir": state,
        "serial": "AGENT-1",
        "backoff_initial_s": 0.2,
        "backoff_max_s": 1.0,
        "batch_size": 8,
        **extra,
    }
    return AgentConfig(**settings)


def stored(org: int) -> list[str]:
    db.session.rollback()  # a fresh read of what the server committed
    return list(db.session.scalars(select(Image.sha256).where(Image.organization_id == org)))


@pytest.mark.slow
def test_every_frame_arrives_once_through_a_server_killed_mid_stream(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    server: Server,
    tmp_path: Path,
) -> None:
    agent = Agent(config(server, tmp_path / "state", token=token(client, admin_headers)))
    agent.start()
    frames = [png_bytes(70_000 + i, size=32) for i in range(60)]
    captured: list[str] = []
    depth_while_down = 0
    started = time.monotonic()
    try:
        for i, frame in enumerate(frames):
            agent.capture(frame, metadata={"i": i})
            captured.append(hashlib.sha256(frame).hexdigest())
            if i == 20:
                server.child.kill()  # SIGKILL to the whole process group, uploads in flight
            if i == 40:
                depth_while_down = agent.queue.stats().frames if agent.queue else 0
                server.start()  # the same port
            time.sleep(0.02)
        assert agent.drain(60), "the queue did not drain"
        drained_s = time.monotonic() - started
        stats = agent.queue.stats() if agent.queue else None
    finally:
        agent.close()
    shas = stored(admin.organization_id)
    assert depth_while_down > 0  # frames waited on disk while the server was down
    assert sorted(shas) == sorted(captured) and len(set(shas)) == len(frames)  # each once, none lost
    assert stats is not None and (stats.frames, stats.bytes) == (0, 0)
    assert stats.counters["uploaded"] == len(frames) and DROPPED not in stats.counters
    print(f"\n60 frames through a SIGKILL and restart: drained {drained_s:.1f} s after the first capture")


def test_provisioning_the_key_file_and_permanent_refusals(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    server: Server,
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    agent = Agent(config(server, state, token=token(client, admin_headers)))
    agent.start()
    key_file = state / "device.key"
    assert (key_file.stat().st_mode & 0o777) == 0o600
    good = png_bytes(71_000, size=32)
    try:
        assert agent.capture(b"\xff\xd8 not really a JPEG", metadata={"broken": True}) == "no model"
        agent.capture(good)
        assert agent.drain(30)
        counters = agent.queue.stats().counters if agent.queue else {}
    finally:
        agent.close()
    assert counters.get(DROPPED) == 1 and counters.get("uploaded") == 1  # refused once, never retried
    assert stored(admin.organization_id) == [hashlib.sha256(good).hexdigest()]

    # A later start reuses the key: no token, no second device.
    again = Agent(config(server, state))
    again.start()
    again.close()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Device)) == 1

    # A key file others may read: refused, with a message and no traceback.
    key_file.chmod(0o644)
    with pytest.raises(SetupError, match="readable by others"):
        Agent(config(server, state)).start()
    assert agent_main(["run", "--api", server.url, "--state-dir", str(state)]) == 2
    key_file.chmod(0o600)

    # The device deleted on the platform: its key is refused at the first check-in, said plainly.
    device_id = db.session.scalar(select(Device.id))
    assert client.delete(f"/api/devices/{device_id}", headers=admin_headers).status_code == 204
    with pytest.raises(SetupError, match="does not know this device's key"):
        Agent(config(server, state)).start()


def test_setup_problems_are_plain_messages(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str], server: Server, tmp_path: Path
) -> None:
    with pytest.raises(SetupError, match="token was refused"):
        Agent(config(server, tmp_path / "a", token="apt_not-a-token")).start()
    nowhere = AgentConfig(api=f"http://127.0.0.1:{free_port()}", state_dir=tmp_path / "b", token="x")
    with pytest.raises(SetupError, match="cannot reach the platform"):
        Agent(nowhere).start()
    with pytest.raises(SetupError, match="no device key"):
        Agent(config(server, tmp_path / "c")).start()
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() != 0:  # root writes anywhere
        with pytest.raises(SetupError, match="not writable"):
            Agent(config(server, locked / "state", token="x")).start()


def test_the_cli_captures_a_watched_folder_and_stops_on_sigterm(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    server: Server,
    tmp_path: Path,
) -> None:
    watch, state = tmp_path / "spool", tmp_path / "state"
    watch.mkdir()
    env = {
        **os.environ,
        "ACUSIGHT_AGENT_API": server.url,
        "ACUSIGHT_AGENT_TOKEN": token(client, admin_headers),
        "ACUSIGHT_AGENT_SERIAL": "CLI-1",
    }
    argv = [sys.executable, "-m", "acusight_sdk.agent.cli", "run", "--state-dir", str(state)]
    agent = subprocess.Popen([*argv, "--watch", str(watch)], env=env, stderr=subprocess.PIPE, text=True)
    frames = [png_bytes(72_000 + i, size=32) for i in range(3)]
    for i, frame in enumerate(frames):
        (watch / f".{i}.part").write_bytes(frame)
        (watch / f".{i}.part").rename(watch / f"{i}.png")  # as a camera process should
    deadline = time.monotonic() + 30
    while len(stored(admin.organization_id)) < len(frames) and time.monotonic() < deadline:
        time.sleep(0.2)
    agent.send_signal(signal.SIGTERM)
    _, err = agent.communicate(timeout=30)
    assert agent.returncode == 0, err
    assert sorted(stored(admin.organization_id)) == sorted(hashlib.sha256(f).hexdigest() for f in frames)
    assert list(watch.iterdir()) == []  # taken files are removed
    status = subprocess.run(
        [sys.executable, "-m", "acusight_sdk.agent.cli", "status", "--state-dir", str(state)],
        capture_output=True,
        text=True,
        check=True,
    )
    told = json.loads(status.stdout)
    assert (told["key"], told["queue_frames"], told["counters"]["uploaded"]) == ("present", 0, 3)


# -- the model: swaps, checksums, sampling (no server) -------------------------------------------------


def classifier(path: Path, gain: float = 10.0) -> bytes:
    """A 4x4 RGB classifier: mean brightness above 0.5 is "bright". Acusight metadata included."""
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 4, 4])
    y = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2])
    weights = np.array([[-gain / 3, gain / 3]] * 3, np.float32)
    bias = np.array([gain / 2, -gain / 2], np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("ReduceMean", ["input"], ["mean"], axes=[2, 3], keepdims=0),
            helper.make_node("MatMul", ["mean", "w"], ["mm"]),
            helper.make_node("Add", ["mm", "b"], ["logits"]),
        ],
        "tiny",
        [x],
        [y],
        [
            helper.make_tensor("w", TensorProto.FLOAT, [3, 2], weights.flatten().tolist()),
            helper.make_tensor("b", TensorProto.FLOAT, [2], bias.tolist()),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    spec = {
        "width": 4,
        "height": 4,
        "resize": {"mode": "stretch", "filter": "bilinear"},
        "color": "RGB",
        "layout": "NCHW",
        "scale": 255,
        "mean": [0, 0, 0],
        "std": [1, 1, 1],
    }
    for key, value in {
        "acusight.labels": json.dumps(LABELS),
        "acusight.task": "classification",
        "acusight.input": json.dumps(spec),
    }.items():
        model.metadata_props.add(key=key, value=value)
    data = model.SerializeToString()
    path.write_bytes(data)
    return data


def solid(value: int) -> bytes:
    from io import BytesIO

    from PIL import Image as PILImage

    out = BytesIO()
    PILImage.new("RGB", (8, 8), (value, value, value)).save(out, "PNG")
    return out.getvalue()


class StandIn:
    """What the agent asks of DeviceClient for a model update and a check-in, with files it serves."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}  # sha256 announced -> bytes served
        self.downloads = 0
        self.config: dict[str, Any] = {}
        self.checkins: list[tuple[int | None, str | None]] = []
        self.said: list[dict[str, Any]] = []  # what each check-in said of failures
        self.running_export_id: int | None = None
        self.model_error: str | None = None
        self.failed_export_id: int | None = None
        self.runs_failed = 0

    def offer(self, export_id: int, data: bytes, served: bytes | None = None) -> dict[str, Any]:
        sha = hashlib.sha256(data).hexdigest()
        self.files[sha] = data if served is None else served
        return {"export_id": export_id, "sha256": sha, "task": "classification", "labels": LABELS}

    def download_model(self, info: dict[str, Any], path: Path) -> bool:
        self.downloads += 1
        data = self.files[info["sha256"]]
        if hashlib.sha256(data).hexdigest() != info["sha256"]:
            raise ChecksumMismatch(f"export {info['export_id']}: the download does not match its sha256")
        path.write_bytes(data)
        return True

    def checkin(self, **_health: Any) -> dict[str, Any]:
        self.checkins.append((self.running_export_id, self.model_error))
        self.said.append({"failed_export_id": self.failed_export_id, "runs_failed": self.runs_failed})
        self.runs_failed = 0  # said: DeviceClient takes what it sent off the count
        return self.config


def test_a_bad_model_keeps_the_previous_one_and_says_why(tmp_path: Path) -> None:
    stand_in = StandIn()
    good = classifier(tmp_path / "good.onnx")
    slot = ModelSlot(tmp_path / "models")
    assert slot.update(stand_in, stand_in.offer(1, good))  # type: ignore[arg-type]
    assert slot.running_export_id == 1 and slot.error is None

    # A download that is not the file announced: refused before it replaces anything.
    other = classifier(tmp_path / "other.onnx", gain=5.0)
    assert not slot.update(stand_in, stand_in.offer(2, other, served=b"truncated"))  # type: ignore[arg-type]
    assert slot.running_export_id == 1 and "does not match its sha256" in (slot.error or "")
    assert slot.failed_export_id == 2

    # The right bytes, but not a model onnxruntime loads: the previous one keeps running, and the file
    # is not fetched again at every check-in.
    broken = stand_in.offer(3, b"not an onnx file")
    assert not slot.update(stand_in, broken)  # type: ignore[arg-type]
    downloads = stand_in.downloads
    assert not slot.update(stand_in, broken)  # type: ignore[arg-type]
    assert stand_in.downloads == downloads
    assert slot.running_export_id == 1 and "export 3 would not load" in (slot.error or "")
    assert slot.failed_export_id == 3
    assert not (tmp_path / "models" / f"{broken['sha256']}.onnx").exists()

    # A restart runs what was current, from the state dir alone.
    restarted = ModelSlot(tmp_path / "models")
    restarted.restore()
    assert restarted.running_export_id == 1 and restarted.current is not None
    assert restarted.current.model.classify([solid(250)])[0] == ["bright"]

    # A good replacement swaps in; the file it replaced is kept, older ones go.
    assert slot.update(stand_in, stand_in.offer(4, other))  # type: ignore[arg-type]
    assert slot.running_export_id == 4 and slot.error is None and slot.failed_export_id is None
    assert len(list((tmp_path / "models").glob("*.onnx"))) == 2


def test_the_next_checkin_reports_the_model_error(tmp_path: Path) -> None:
    agent = Agent(AgentConfig(api="http://unused", state_dir=tmp_path))
    stand_in = StandIn()
    agent.client = stand_in  # type: ignore[assignment]
    agent.queue = FrameQueue(tmp_path / "q.sqlite3")
    good = classifier(tmp_path / "good.onnx")
    stand_in.config = {"checkin_interval_s": 5, "model": stand_in.offer(7, good), "sampling": None}
    agent.checkin()
    stand_in.config["model"] = stand_in.offer(8, good + b"x", served=good)
    agent.checkin()
    agent.checkin()
    assert stand_in.checkins[0] == (None, None)
    assert stand_in.checkins[1] == (7, None)
    running, error = stand_in.checkins[2]
    assert running == 7 and error is not None and "export 8" in error
    assert stand_in.said[2] == {"failed_export_id": 8, "runs_failed": 0}
    assert agent.checkin_interval_s == 5
    agent.queue.close()


class Failing:
    """A loaded model whose every run raises (a runtime fault, not a bad frame)."""

    task = "classification"

    def classify(self, _frames: Any) -> Any:
        raise RuntimeError("onnxruntime: out of memory")


def test_runs_the_model_fails_are_counted_and_said_once(tmp_path: Path) -> None:
    agent = Agent(AgentConfig(api="http://unused", state_dir=tmp_path))
    stand_in = StandIn()
    agent.client = stand_in  # type: ignore[assignment]
    agent.queue = FrameQueue(tmp_path / "q.sqlite3")
    agent.models.current = Held({"export_id": 5, "sha256": "x"}, tmp_path / "x.onnx", Failing())
    stand_in.config = {"checkin_interval_s": 5, "model": None, "sampling": None}
    assert agent.capture(solid(40)) == "unreadable"  # a good image the model failed on
    assert agent.capture(b"not an image") == "unreadable"  # the frame's fault, not the model's
    agent.capture(solid(200))
    assert agent.models.runs_failed == 2
    agent.checkin()
    agent.checkin()
    assert [said["runs_failed"] for said in stand_in.said] == [2, 0]
    agent.queue.close()


def test_the_upload_policy_holds_frames_back(tmp_path: Path) -> None:
    agent = Agent(AgentConfig(api="http://unused", state_dir=tmp_path))
    stand_in = StandIn()
    agent.client = stand_in  # type: ignore[assignment]
    agent.queue = FrameQueue(tmp_path / "q.sqlite3")
    stand_in.config = {"checkin_interval_s": 5, "model": None, "upload_policy": {"enabled": True}}
    agent.checkin()
    assert agent.upload_due() and agent.upload_min_interval_s == 0
    stand_in.config["upload_policy"] = {"enabled": True, "min_interval_s": 3600}
    agent.checkin()
    assert agent.upload_due()  # nothing sent yet
    agent._last_upload = time.monotonic()
    assert not agent.upload_due()  # an hour must pass first
    agent._last_upload = time.monotonic() - 3601
    assert agent.upload_due()
    stand_in.config["upload_policy"] = {"enabled": False, "min_interval_s": 0}
    agent.checkin()
    assert not agent.upload_due()
    agent.queue.close()


def test_captures_run_the_model_and_follow_the_sampling_policy(tmp_path: Path) -> None:
    agent = Agent(AgentConfig(api="http://unused", state_dir=tmp_path, queue_max_frames=2))
    agent.queue = FrameQueue(tmp_path / "q.sqlite3", max_bytes=None, max_frames=2)
    path = tmp_path / "m.onnx"
    classifier(path)
    info = {"export_id": 9, "sha256": "x"}
    agent.models.current = Held(info, path, DeviceModel(path))

    # No policy: every frame goes up, without a prediction; every prediction is reported.
    assert agent.capture(solid(10)) == "no policy"
    # A policy: only the uncertain band (a grey frame) goes up, carrying its prediction as the pre-label.
    agent.sampler.update({"score_band": {"low": 0.0, "high": 0.9}, "random_rate": 0.0})
    assert agent.capture(solid(250)) == "confident"
    assert agent.capture(solid(128)) == "uncertain"
    queued = agent.queue.peek(10)
    assert [q.frame.sampling_reason for q in queued] == [None, "uncertain"]
    assert queued[0].frame.prediction is None
    assert queued[1].frame.prediction is not None and queued[1].frame.prediction["export_id"] == 9
    batch = agent.queue.next_report()
    assert batch is not None and [p["label"] for p in batch[1]] == ["dark", "bright", "bright"]
    assert batch[1][2]["image_sha256"] == queued[1].frame.sha256 and "image_sha256" not in batch[1][0]

    # Past the bound the oldest frame is evicted, counted in the check-in's health.
    agent.capture(solid(130))
    assert agent.queue.stats().counters[EVICTED] == 1
    assert agent.health()["metrics"]["evicted_total"] == 1
    agent.queue.close()
