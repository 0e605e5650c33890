"""`acusight demo --small` end to end, as CI runs it; its summary is checked, not just its exit code.

Once as CI runs it (annotators label through the API), once through the session's real Label Studio.
What the two share is checked once: the first proves the model learns and the device reproduces the
server on 800 digits; the second proves the Label Studio path (tasks, annotations, webhook pulls) on
fewer digits and a short training, where only the parts that do not depend on accuracy are checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from acusight.stack import free_port
from tests.flows.label_studio_server import LabelStudioServer

ACCURACY_FLOOR = 0.8
DETECTION_FLOOR = 0.4


def _demo(tmp_path: Path, **extra_env: str) -> tuple[dict[str, str], list[str], Path]:
    """The environment (a fresh data dir, no outside platform) and command line of a small demo."""
    env = {**os.environ, "ACUSIGHT_DATA_DIR": str(tmp_path / "var"), **extra_env}
    for name in (
        "ACUSIGHT_DATABASE_URL",
        "PREFECT_API_URL",
        "ACUSIGHT_SERVICE_KEY",
        "ACUSIGHT_LABEL_STUDIO_URL",
    ):
        env.pop(name, None)
    summary_path = tmp_path / "summary.json"
    argv = [
        sys.executable,
        "-m",
        "acusight.cli",
        "demo",
        "--small",
        "--summary-json",
        str(summary_path),
        "--port",
        str(free_port()),
        "--prefect-port",
        str(free_port()),
    ]
    return env, argv, summary_path


def _check_summary(facts: dict[str, Any], stdout: str) -> None:
    """What every demo must show: every step ran, the device reproduces the server."""
    assert facts["duplicates (already stored)"] == 0
    assert facts["device agrees with server"] == 1.0
    assert facts["export parity"]["argmax_agreement"] == 1.0
    # Every run that ended completed; a scheduled one (the rollout evaluation every few minutes) may be
    # under way as the summary is taken.
    assert set(facts["flow runs"]) <= {"COMPLETED", "RUNNING"} and facts["flow runs"]["COMPLETED"] >= 3
    assert "Acusight demo" in stdout and "Prefect UI" in stdout


@pytest.mark.slow
def test_small_demo(tmp_path: Path) -> None:
    env, argv, summary_path = _demo(tmp_path)
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    facts = json.loads(summary_path.read_text())["facts"]
    _check_summary(facts, done.stdout)
    # The model learned: on the held-out split and on the digits the devices never uploaded.
    assert facts["images uploaded"] > 600
    assert facts["test accuracy"] >= ACCURACY_FLOOR
    assert facts["device accuracy on unseen"] >= ACCURACY_FLOOR
    assert "Label Studio tasks" not in facts
    # The detection phase: frames, boxes, a letterboxed version, a detector, its ONNX export with NMS,
    # and a camera detecting on frames it never uploaded (400 frames, 16 epochs: a low bar here;
    # tests/clients/test_device_detection_quality.py holds the detector to mAP@0.5 >= 0.6).
    assert facts["detection: frames uploaded"] == 400 and facts["detection: boxes annotated"] >= 400
    assert facts["detection: dataset version"].endswith("64 px letterbox")
    assert facts["detection: export"]["parity (frames whose detections match PyTorch's)"] == 1.0
    assert facts["detection: camera mAP@0.5 on unseen frames"] >= DETECTION_FLOOR
    assert facts["detection: test mAP@0.5"] >= DETECTION_FLOOR
    # The field act: the cameras' world changes, the drift check sees it, the raised sampling brings the
    # changed frames in, and the model trained on them beats the old one on changed frames never uploaded.
    assert facts["field: drift check"]["verdict"] == "drift"
    assert facts["field: sampling raised after drift"]["random_rate"] == 0.5
    reasons = facts["field: frames uploaded by the policy, by reason"]
    assert reasons.get("boosted: random", 0) > 0 and reasons.get("changed: uncertain", 0) > 0
    assert (
        facts["field: low-confidence share (after the change)"]
        > facts["field: low-confidence share (before)"]
    )
    old, new = (
        facts["field: old model accuracy on changed frames"],
        facts["field: new model accuracy on changed frames"],
    )
    assert new > old and new >= 0.6, (old, new)
    # The new model goes out as a staged rollout and is promoted; a broken one is rolled back by the
    # rollout-evaluation flow, and every camera is back on the new model.
    good, broken = facts["rollout: new model"], facts["rollout: broken model"]
    assert good["status"] == "completed" and good["decisions"][-1]["action"] == "complete", good
    assert broken["status"] == "rolled_back" and broken["decisions"][-1]["action"] == "rollback", broken
    assert "mean top score dropped" in broken["decisions"][-1]["reason"]
    assert facts["rollout: cameras back on the new model"] == "8 of 8"


@pytest.mark.slow
def test_small_demo_through_label_studio(tmp_path: Path, label_studio: LabelStudioServer) -> None:
    # No scheduled pull: the labels must come back through the webhooks' pulls.
    env, argv, summary_path = _demo(
        tmp_path, ACUSIGHT_LABEL_STUDIO_TOKEN=label_studio.env.token, ACUSIGHT_LABEL_STUDIO_PULL_MINUTES="0"
    )
    # Learning is the first test's to prove; here a short run whose labels all go through Label Studio.
    argv[argv.index("--small")] = "--images=160"
    argv += ["--epochs", "2", "--no-detection", "--no-field", "--label-studio", label_studio.env.url]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads(summary_path.read_text())
    facts = summary["facts"]
    _check_summary(facts, done.stdout)
    uploaded = facts["images uploaded"]
    assert uploaded > 100
    assert facts["Label Studio tasks"] == facts["annotations made in Label Studio"] == uploaded
    assert facts["labels through Label Studio"] == uploaded
    # Webhooks coalesce: far fewer pull runs than annotations, every one completed (checked above).
    pulls = facts["flow runs per flow"]["pull-from-label-studio"]
    assert 1 <= pulls < uploaded and facts["flow runs per flow"]["push-to-label-studio"] == 1
    project_url = summary["urls"]["Label Studio project"]
    assert project_url.startswith(label_studio.env.url) and "Label Studio project" in done.stdout

    # In Label Studio: one annotation per task, by the annotators' account.
    ls_project = project_url.rsplit("/", 1)[1]
    made: dict[str, int] = {}
    page = 1
    while True:
        resp = requests.get(
            f"{label_studio.env.url}/api/tasks/",
            params={"project": ls_project, "fields": "all", "page": page, "page_size": 500},
            headers={"Authorization": f"Token {label_studio.env.token}"},
            timeout=60,
        )
        if resp.status_code == 404:  # past the last page
            break
        assert resp.ok, resp.text[:500]
        for task in resp.json()["tasks"]:
            [annotation] = task["annotations"]
            made[str(annotation["id"])] = task["data"]["acusight_image_id"]
        page += 1
    assert len(made) == uploaded
    # In the platform: each of them, and only they, as the image's label_studio annotation.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'var' / 'acusight.db'}")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT source, external_id, image_id, annotator_email FROM annotations")
        ).all()
    engine.dispose()
    assert {row.source for row in rows} == {"label_studio"}
    assert {row.external_id: row.image_id for row in rows} == made
    assert {row.annotator_email for row in rows} == {label_studio.env.email}
