"""The demo's third act: the field loop's new model goes out as a staged rollout, judged on what the
cameras report, and is promoted to every camera; then a broken model (trained one epoch at a learning
rate far too small: it barely knows a digit, and says so with low scores) goes out the same way and is
rolled back automatically by the rollout-evaluation flow, its cameras back on the good model.
"""

from __future__ import annotations

import time
from typing import Any

from acusight_sdk.device import DeviceClient

from clients.demo.api import POLL_S, DemoError
from clients.demo.classification import digit_pngs
from clients.demo.field import FieldPhase, changed_lighting

CAMERAS = 8
FRAMES_PER_CAMERA = 24
# Two stages: half of the cameras (by hash of camera and rollout), then all; each promoted once its
# cameras have reported, judged against what the same cameras reported of the model before.
STAGES = [
    {"percent": 50, "min_duration_s": 0, "min_devices": 1},
    {"percent": 100, "min_duration_s": 0, "min_devices": CAMERAS // 2},
]
# The new model is judged on failures and on confidence collapsing, not on its scores against the old
# model's: after the change of lighting the old model is confidently wrong (it calls most changed frames
# an 8, at a mean score near 0.9 — the drift check's class shift), so any honest model scores lower
# than it there. The broken model is judged against the new one, which is a fair yardstick.
NEW_MODEL_GUARDRAILS = {"max_score_drop": None, "max_low_confidence_share": 0.8, "max_failure_rate": 0.05}
BROKEN_MODEL_GUARDRAILS = {"max_score_drop": 0.2, "max_low_confidence_share": 0.8, "max_failure_rate": 0.05}
EVALUATION_TIMEOUT_S = 300
MAX_EVALUATIONS = 6


class RolloutPhase(FieldPhase):
    """Staged rollouts on the field act's project: the new export promoted, a broken one rolled back."""

    def run(self) -> None:
        facts = self.summary.facts
        project_id, new_export = facts["project_id"], facts["field: new export"]
        data = digit_pngs(self.options.images)
        frames = [changed_lighting(png, 20_000 + n) for n, (png, _) in enumerate(data[: CAMERAS * 40])]

        with self.step("rollout: cameras on the old model"):
            cameras = self.cameras(project_id, CAMERAS)
            self.look(cameras, frames, 0)

        with self.step("rollout: the new model, staged"):
            rollout = self.start(new_export, NEW_MODEL_GUARDRAILS)
            done = self.follow(rollout["id"], cameras, frames, want="completed")
        facts["rollout: new model"] = self.told(done)
        project = self.api.http.request("GET", f"/data/projects/{project_id}")
        if project["deployed_export_id"] != new_export:
            raise DemoError(
                f"the completed rollout left project {project_id} on {project['deployed_export_id']}"
            )

        job = self.train(
            "rollout: a broken model (1 epoch, lr 1e-6)", facts["field_dataset_id"], {"epochs": 1, "lr": 1e-6}
        )
        broken = self.export(
            "rollout: the broken model's export",
            {"model_id": job["model_id"], "precision": self.options.precision},
        )
        with self.step("rollout: the broken model, staged"):
            rollout = self.start(broken["id"], BROKEN_MODEL_GUARDRAILS)
            undone = self.follow(rollout["id"], cameras, frames, want="rolled_back")
        facts["rollout: broken model"] = self.told(undone)
        running = {self.camera_model(camera) for camera in cameras}
        if running != {new_export}:
            raise DemoError(f"after the rollback the cameras run {sorted(running)}, not export {new_export}")
        facts["rollout: cameras back on the new model"] = f"{len(cameras)} of {len(cameras)}"

    def start(self, export_id: int, guardrails: dict[str, float | None]) -> dict[str, Any]:
        return self.api.rollouts.create(export_id, stages=STAGES, guardrails=guardrails, promotion="auto")

    def look(self, cameras: list[DeviceClient], frames: list[bytes], round_: int) -> None:
        """Each camera checks in (taking the model assigned to it) and runs it on its share of frames."""
        for n, camera in enumerate(cameras):
            self.camera_model(camera)
            start = (round_ * CAMERAS + n) * FRAMES_PER_CAMERA % max(len(frames) - FRAMES_PER_CAMERA, 1)
            camera.observe(frames[start : start + FRAMES_PER_CAMERA])

    def camera_model(self, camera: DeviceClient) -> int:
        """The camera checks in, fetches its assigned model if it changed, says it runs it; its export."""
        camera.checkin(battery_pct=95)
        camera.fetch_model()
        camera.checkin(battery_pct=95)
        if camera.model_info is None:
            raise DemoError("a camera was given no model")
        return int(camera.model_info["export_id"])

    def follow(
        self, rollout_id: int, cameras: list[DeviceClient], frames: list[bytes], *, want: str
    ) -> dict[str, Any]:
        """Cameras run what they are given and report; the rollout-evaluation flow judges each stage,
        until the rollout is over (``want``: how it must end)."""
        rollout: dict[str, Any] = {}
        for round_ in range(1, MAX_EVALUATIONS + 1):
            self.look(cameras, frames, round_)
            rollout = self.evaluated(rollout_id)
            if rollout["status"] not in ("active", "paused"):
                break
        if rollout.get("status") != want:
            said = [(d["action"], d["reason"]) for d in rollout.get("decisions", [])]
            raise DemoError(f"rollout {rollout_id} is {rollout.get('status')}, not {want}: {said}")
        return rollout

    def evaluated(self, rollout_id: int) -> dict[str, Any]:
        """Ask for an evaluation now (a rollout-evaluation flow run) and wait for its decision."""
        before = self.api.rollouts.get(rollout_id)
        self.api.rollouts.evaluate(rollout_id)
        deadline = time.monotonic() + EVALUATION_TIMEOUT_S
        while time.monotonic() < deadline:
            now = self.api.rollouts.get(rollout_id)
            if now["last_evaluated_at"] != before["last_evaluated_at"] or now["status"] != before["status"]:
                return dict(now)
            time.sleep(POLL_S)
        raise DemoError(f"no evaluation of rollout {rollout_id} within {EVALUATION_TIMEOUT_S} s")

    @staticmethod
    def told(rollout: dict[str, Any]) -> dict[str, Any]:
        """What the summary says of a rollout: how it ended, and each decision with its figures."""
        decisions = []
        for decision in rollout["decisions"]:
            figures = decision.get("figures") or {}
            candidate, baseline = figures.get("candidate") or {}, figures.get("baseline") or {}
            decisions.append(
                {
                    "stage": f"{rollout['stages'][decision['stage']]['percent']:g}%",
                    "action": decision["action"],
                    "reason": decision["reason"],
                    "cameras": figures.get("stage_devices"),
                    "mean top score": _round(candidate.get("mean_confidence")),
                    "before": _round(baseline.get("mean_confidence")),
                }
            )
        return {
            "rollout": rollout["id"],
            "export": rollout["export_id"],
            "status": rollout["status"],
            "decisions": decisions,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
