"""Staged rollouts in the console (headless Chromium): the list and a rollout's page (stages, the
guardrails beside the current figures, devices, decisions), starting one from an export's page, the
buttons a manager has (promote, pause, resume, roll back, evaluate now) and a viewer has not, and the
API's refusals shown as it words them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.console.conftest import Tab
from tests.console.seed import Platform, seed, seed_rollouts, serve
from tests.helpers import wait_until

ACTIONS = ("rollout-promote", "rollout-pause", "rollout-resume", "rollout-rollback", "rollout-evaluate")


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The console tests' seeded platform, with a rollout in its first stage (tests/console/seed.py)."""
    root: Path = tmp_path_factory.mktemp("rollouts")
    with serve(root) as p:
        yield seed_rollouts(seed(p, images=24))


def api(platform: Platform, path: str, role: str = "admin") -> Any:
    resp = requests.get(f"{platform.url}/api{path}", headers=platform.headers(role), timeout=10)
    assert resp.ok, resp.text
    return resp.json()["data"]


def until(page: Any, expression: str, timeout: float = 10) -> None:
    wait_until(lambda: page.evaluate(expression), timeout, expression, interval=0.1)


def test_the_list_shows_rollouts_with_their_stage_and_last_decision(
    admin_tab: Tab, platform: Platform
) -> None:
    page = admin_tab.page
    page.goto("/fleet")
    page.get_by_test_id("nav-rollouts").click()
    row = page.get_by_test_id("rollout-row").filter(has_text=f"#{platform.ids['rollout']}")
    row.wait_for()
    assert row.get_by_test_id("rollout-status").inner_text() == "Active"
    assert row.get_by_test_id("rollout-stage").inner_text() == "1 of 3 · 10 %"
    assert f"Export #{platform.ids['candidate_export']}" in row.inner_text()
    assert "Parcel digits" in row.inner_text()
    row.get_by_test_id("rollout-last-decision").filter(has_text="Resume").wait_for()
    # The status filter asks the API for that status only.
    page.get_by_test_id("filter-status").select_option("rolled_back")
    page.wait_for_url("**/rollouts?status=rolled_back")
    page.get_by_test_id("empty").wait_for()
    assert page.get_by_test_id("rollout-row").count() == 0
    page.get_by_test_id("filter-status").select_option("active")
    page.get_by_test_id("rollout-row").first.wait_for()
    # The project's page links to the rollout holding it.
    page.goto(f"/projects/{platform.ids['project']}")
    page.get_by_test_id("project-rollout-link").click()
    page.wait_for_url(f"**/rollouts/{platform.ids['rollout']}")
    page.get_by_test_id("stage-strip").wait_for()
    admin_tab.assert_clean()


def test_a_rollout_shows_its_stages_figures_and_decisions(admin_tab: Tab, platform: Platform) -> None:
    rid = platform.ids["rollout"]
    figures = api(platform, f"/ml/rollouts/{rid}")["figures"]
    assert figures["reporting_devices"] == len(platform.ids["rollout_devices"]) >= 1  # the seed's premise
    page = admin_tab.page
    page.goto(f"/rollouts/{rid}")
    stages = page.get_by_test_id("stage")
    stages.nth(2).wait_for()
    assert [s.get_by_text("%").first.inner_text() for s in stages.all()] == ["10 %", "50 %", "100 %"]
    assert [s.get_attribute("data-state") for s in stages.all()] == ["current", "todo", "todo"]
    counts = page.get_by_test_id("rollout-devices").inner_text().lower()
    for label, key in (
        ("target devices", "target_devices"),
        ("in this stage", "stage_devices"),
        ("reporting", "reporting_devices"),
    ):
        assert f"{figures[key]}\n{label}" in counts
    # Each guardrail beside its figures; the p95 latency one (1 ms) is breached, the failure rate holds.
    rails = page.get_by_test_id("guardrail")
    assert rails.count() == 5
    state = {r.get_attribute("data-key"): r.get_attribute("data-state") for r in rails.all()}
    assert state["max_p95_latency_ms"] == "breached" and state["max_low_confidence_share"] == "off"
    assert state["max_score_drop"] in ("ok", "breached")  # against the baseline's field figures
    latency = page.locator("[data-testid=guardrail][data-key=max_p95_latency_ms]")
    assert "breached" in latency.inner_text() and "1 ms" in latency.inner_text()
    assert "previous export" in page.get_by_test_id("baseline-source").inner_text()
    # Decisions, newest first, with who made them.
    decisions = page.get_by_test_id("decision")
    assert decisions.count() == 3
    assert [d.get_attribute("data-action") for d in decisions.all()] == ["resume", "pause", "hold"]
    assert "checking the dock lights" in decisions.nth(1).inner_text()
    assert platform.users["ml_engineer"] in decisions.nth(0).get_by_test_id("decision-by").inner_text()
    assert decisions.nth(2).get_by_test_id("decision-by").inner_text() == "the evaluation flow"
    assert "stage 1 runs 600 s at least" in decisions.nth(2).inner_text()
    # Polled while active: the flow's next decision shows up without a reload.
    platform.call(
        "POST",
        f"/ml/rollouts/{rid}/decisions",
        platform.service,
        json={"stage": 0, "action": "hold", "reason": "1 of 1 devices needed have reported; seed poll"},
    )
    page.get_by_test_id("decision-reason").filter(has_text="seed poll").wait_for(timeout=8000)
    # A device of the stage says where its model comes from.
    page.goto(f"/devices/{platform.ids['rollout_devices'][0]}")
    page.get_by_test_id("device-rollout").wait_for()
    assert f"rollout #{rid}" in page.get_by_test_id("model-source").inner_text()
    assert page.get_by_test_id("export-mismatch").count() == 0
    admin_tab.assert_clean()


def test_a_viewer_sees_no_rollout_actions(open_tab: Callable[..., Tab], platform: Platform) -> None:
    viewer = open_tab("viewer")
    page = viewer.page
    page.goto(f"/rollouts/{platform.ids['rollout']}")
    page.get_by_test_id("decision").first.wait_for()
    for action in ACTIONS:
        assert page.get_by_test_id(action).count() == 0, action
    page.goto(f"/exports/{platform.ids['dock_export']}")
    page.get_by_test_id("export-details").wait_for()
    assert page.get_by_test_id("rollout-button").count() == 0
    viewer.assert_clean()
    resp = requests.post(
        f"{platform.url}/api/ml/rollouts/{platform.ids['rollout']}/pause",
        headers=platform.headers("viewer"),
        timeout=10,
    )
    assert resp.status_code == 403  # and the API refuses it anyway


def test_refusals_show_the_api_message(open_tab: Callable[..., Tab], platform: Platform) -> None:
    engineer = open_tab("ml_engineer")
    engineer.allowed.append(lambda text, url: "status of 409" in text)
    page = engineer.page
    # The deployed export is already the project's: 409, worded by the API.
    page.goto(f"/exports/{platform.ids['export']}")
    page.get_by_test_id("rollout-button").click()
    page.get_by_test_id("rollout-start").click()
    error = page.get_by_test_id("rollout-dialog").get_by_test_id("error")
    error.wait_for()
    assert f"Export {platform.ids['export']} is already the project's" in error.inner_text()
    assert "HTTP 409" in error.inner_text()
    page.keyboard.press("Escape")

    # A stale page: the rollout was paused meanwhile, so Pause is refused; the page catches up.
    rid = platform.ids["rollout"]
    page.goto(f"/rollouts/{rid}")
    page.get_by_test_id("rollout-pause").wait_for()
    platform.call("POST", f"/ml/rollouts/{rid}/pause", platform.headers("admin"))
    page.get_by_test_id("rollout-pause").click()
    error = page.get_by_test_id("rollout-problems").get_by_test_id("error")
    error.wait_for()
    assert f"Rollout {rid} is paused" in error.inner_text()
    assert "only a rollout that is active can be paused" in error.inner_text()
    page.get_by_test_id("rollout-resume").click()  # shown now that it is paused
    until(page, "document.querySelector('[data-testid=rollout-page]').dataset.status === 'active'")
    assert page.get_by_test_id("rollout-pause").count() == 1
    assert api(platform, f"/ml/rollouts/{rid}")["status"] == "active"
    engineer.assert_clean()


def test_a_manager_starts_a_rollout_from_an_export_page(
    open_tab: Callable[..., Tab], platform: Platform
) -> None:
    engineer = open_tab("ml_engineer")
    engineer.allowed.append(lambda text, url: "status of 400" in text and url.endswith("/api/ml/rollouts"))
    page = engineer.page
    page.goto(f"/exports/{platform.ids['dock_export']}")
    page.get_by_test_id("rollout-button").click()
    dialog = page.get_by_test_id("rollout-dialog")
    percents = dialog.get_by_test_id("stage-percent")
    assert [p.input_value() for p in percents.all()] == ["10", "50", "100"]
    assert dialog.get_by_test_id("guardrail-max_score_drop").input_value() == "0.1"
    assert dialog.get_by_test_id("guardrail-max_failure_rate").input_value() == "0.05"
    assert dialog.get_by_test_id("guardrail-max_class_psi").input_value() == ""
    # Percents that do not rise: the API's 400, shown in the form.
    percents.nth(1).fill("5")
    dialog.get_by_test_id("rollout-start").click()
    dialog.get_by_test_id("error").filter(has_text="must rise").wait_for()
    percents.nth(1).fill("40")
    percents.nth(0).fill("20")
    dialog.get_by_test_id("rollout-promotion").select_option("manual")
    dialog.get_by_test_id("guardrail-max_class_psi").fill("0.3")
    dialog.get_by_test_id("rollout-start").click()
    page.wait_for_url("**/rollouts/*")
    page.get_by_test_id("stage").nth(2).wait_for()
    rid = int(page.url.rsplit("/", 1)[1])
    made = api(platform, f"/ml/rollouts/{rid}")
    assert made["export_id"] == platform.ids["dock_export"] and made["status"] == "active"
    assert [s["percent"] for s in made["stages"]] == [20, 40, 100]
    assert made["stages"][0]["min_duration_s"] == 3600 and made["promotion"] == "manual"
    assert made["guardrails"]["max_class_psi"] == 0.3 and made["guardrails"]["max_score_drop"] == 0.1
    assert page.get_by_test_id("stage-strip").inner_text().count("%") == 3
    assert "manual" in page.get_by_test_id("rollout-details").inner_text()
    engineer.assert_clean()


def test_promote_and_roll_back_by_button(open_tab: Callable[..., Tab], platform: Platform) -> None:
    engineer = open_tab("ml_engineer")
    page = engineer.page
    rid = platform.ids["rollout"]
    page.goto(f"/rollouts/{rid}")
    page.get_by_test_id("rollout-evaluate").click()  # a rollout-evaluation run started (202)
    page.get_by_test_id("toast").filter(has_text="Evaluation started").wait_for()
    page.get_by_test_id("rollout-promote").click()
    until(page, "document.querySelector('[data-testid=rollout-page]').dataset.stage === '1'")
    states = [s.get_attribute("data-state") for s in page.get_by_test_id("stage").all()]
    assert states == ["done", "current", "todo"]
    newest = page.get_by_test_id("decision").first
    assert newest.get_attribute("data-action") == "promote"
    assert newest.get_by_test_id("decision-by").inner_text() == "you"
    assert api(platform, f"/ml/rollouts/{rid}")["stage"] == 1

    page.get_by_test_id("rollout-rollback").click()
    page.get_by_test_id("rollback-reason").fill("dock camera 1 runs hot")
    page.get_by_test_id("rollback-dialog").get_by_test_id("confirm").click()
    until(page, "document.querySelector('[data-testid=rollout-page]').dataset.status === 'rolled_back'")
    assert page.get_by_test_id("rollout-status").inner_text() == "Rolled back"
    states = [s.get_attribute("data-state") for s in page.get_by_test_id("stage").all()]
    assert states == ["done", "rolled-back", "todo"]
    assert "dock camera 1 runs hot" in page.get_by_test_id("decision").first.inner_text()
    for action in ACTIONS:  # nothing more to do with a rolled-back rollout
        assert page.get_by_test_id(action).count() == 0, action
    assert page.get_by_test_id("figures-none").count() == 1
    done = api(platform, f"/ml/rollouts/{rid}")
    assert done["status"] == "rolled_back" and done["decisions"][-1]["reason"] == "dock camera 1 runs hot"
    engineer.assert_clean()
