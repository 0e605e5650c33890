"""The web console in a real browser (headless Chromium): sign-in, every page on seeded data without a
console error or CSP violation, live training curves, roles, boxes drawn over an image, Swagger UI
offline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import delete

from tests.console.conftest import Tab
from tests.console.seed import Platform, history
from tests.helpers import wait_until
from webapp.extensions import db
from webapp.integrations.label_studio.label_config import config_hash, label_config
from webapp.models import LabelStudioLink, Project
from webapp.unit_of_work import unit_of_work


def until(page: Any, expression: str, timeout: float = 10) -> None:
    """Wait for a JavaScript expression to be true. (Playwright's wait_for_function evaluates a string,
    which the console's Content-Security-Policy rightly refuses; evaluate() is not affected.)"""
    wait_until(lambda: page.evaluate(expression), timeout, expression, interval=0.1)


def test_sign_in_by_link(open_tab: Callable[..., Tab], platform: Platform) -> None:
    tab = open_tab()
    link = platform.login_link("ml_engineer")
    tab.page.goto(link)
    tab.page.get_by_test_id("fleet-page").wait_for()
    assert tab.page.get_by_test_id("whoami").inner_text().startswith(platform.users["ml_engineer"])
    assert "token=" not in tab.page.url and tab.page.url.endswith("/fleet")  # the secret left the address bar
    stored = tab.page.evaluate("JSON.parse(sessionStorage.getItem('acusight.session'))")
    assert stored["access_token"] and stored["refresh_token"] and stored["user"]["role"] == "ml_engineer"
    assert tab.page.get_by_test_id("nav-admin").count() == 0  # admins only
    tab.assert_clean()

    # The same link again: used up, said plainly.
    again = open_tab()
    again.allowed.append(lambda text, url: "status of 401" in text and url.endswith("/api/auth/login-link"))
    again.page.goto(link)
    again.page.get_by_test_id("link-expired").wait_for()
    assert "expired or was already used" in again.page.get_by_test_id("login").inner_text()
    assert "acusight users login-link" in again.page.get_by_test_id("login").inner_text()
    again.assert_clean()

    # Signing out drops the tokens; the console asks to sign in again.
    tab.page.get_by_test_id("sign-out").click()
    tab.page.get_by_test_id("login").wait_for()
    assert tab.page.evaluate("sessionStorage.getItem('acusight.session')") is None
    tab.page.goto("/models")
    tab.page.get_by_test_id("login").wait_for()
    assert "/login?next=%2Fmodels" in tab.page.url


def test_sign_in_with_the_organization_provider_comes_back_signed_in(
    open_tab: Callable[..., Tab], platform: Platform
) -> None:
    """Where the OpenID Connect callback sends the browser (GET /api/auth/login?return_to=console):
    /login with the tokens in the fragment, which the console keeps and removes from the address."""
    tab = open_tab()
    tokens = platform.tokens("annotator")
    fragment = urlencode(
        {k: tokens[k] for k in ("access_token", "refresh_token", "token_type", "expires_in")}
    )
    tab.page.goto(f"/login?next=%2Fprojects#{fragment}")
    tab.page.get_by_test_id("projects-page").wait_for()
    assert tab.page.url.endswith("/projects") and "access_token" not in tab.page.url
    assert tab.page.get_by_test_id("whoami").inner_text().startswith(platform.users["annotator"])
    tab.assert_clean()


# (path, the page's test id, a test id that must show at least `count` times)
PAGES = [
    ("/fleet", "fleet-page", "device-row", 5),
    ("/devices/{devices[0]}", "device-page", "health-battery_pct", 1),
    ("/projects", "projects-page", "project-row", 2),
    ("/projects/{project}", "project-page", "batch-row", 1),
    ("/images?project={project}", "images-page", "image-tile", 48),
    ("/images/{images[0]}", "image-page", "annotation-row", 1),
    ("/datasets", "datasets-page", "dataset-row", 2),
    ("/datasets/{dataset}", "dataset-page", "bar-row", 10),
    ("/training", "training-page", "job-row", 2),
    ("/training/{job}", "training-job-page", "training-curve", 1),
    ("/models", "models-page", "model-row", 2),
    ("/models/{model}", "model-page", "confusion-matrix", 1),
    ("/models/{detection_model}", "model-page", "pr-curve", 1),
    ("/exports/{export}", "export-page", "field-predictions-chart", 1),
    ("/field", "field-page", "drift-events", 1),
    ("/rollouts", "rollouts-page", "rollouts-table", 1),
    ("/admin", "admin-page", "user-row", 4),
    ("/no/such/page", "not-found", "nav-fleet", 1),
]


@pytest.mark.parametrize(("path", "testid", "item", "count"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders(
    admin_tab: Tab, platform: Platform, path: str, testid: str, item: str, count: int
) -> None:
    page = admin_tab.page
    page.goto(path.format(**platform.ids))
    page.get_by_test_id(testid).wait_for()
    page.get_by_test_id(item).nth(count - 1).wait_for()
    assert page.get_by_test_id("error").count() == 0, page.get_by_test_id("error").first.inner_text()
    admin_tab.assert_clean()


def test_fleet_shows_status_and_exports(admin_tab: Tab, platform: Platform) -> None:
    page = admin_tab.page
    page.goto("/fleet")
    rows = page.get_by_test_id("device-row")
    rows.nth(4).wait_for()
    text = {r.get_by_test_id("device-link").inner_text(): r for r in rows.all()}
    assert text["Dock camera 1"].get_by_test_id("device-status").inner_text() == "Online"
    assert text["Line camera 3"].get_by_test_id("device-status").inner_text() == "Offline"
    assert text["Dock spare"].get_by_test_id("device-status").inner_text() == "Never seen"
    assert (
        f"Export #{platform.ids['export']}"
        in text["Dock camera 1"].get_by_test_id("running-export").inner_text()
    )
    assert text["Line camera 3"].get_by_test_id("export-mismatch").count() == 1  # assigned, not running
    assert text["Dock camera 1"].get_by_test_id("device-tags").inner_text().split() == ["rev:b", "site:dock"]
    # The tag filter asks the API for the devices with that tag.
    page.get_by_test_id("filter-tag").fill("site:dock")
    page.get_by_test_id("filter-tag").press("Enter")
    page.wait_for_url("**/fleet?*tag=site%3Adock*")
    rows.first.wait_for()
    until(page, "document.querySelectorAll('[data-testid=device-row]').length === 2")
    assert sorted(r.get_by_test_id("device-link").inner_text() for r in rows.all()) == [
        "Dock camera 1",
        "Dock camera 2",
    ]
    admin_tab.assert_clean()


def test_a_manager_tags_a_device_and_a_viewer_cannot(
    open_tab: Callable[..., Tab], platform: Platform
) -> None:
    device = platform.ids["devices"][2]
    viewer = open_tab("viewer")
    viewer.page.goto(f"/devices/{device}")
    viewer.page.get_by_test_id("device-tags").wait_for()
    assert viewer.page.get_by_test_id("edit-tags").count() == 0
    viewer.assert_clean()
    engineer = open_tab("ml_engineer")
    page = engineer.page
    page.goto(f"/devices/{device}")
    page.get_by_test_id("edit-tags").click()
    engineer.allowed.append(lambda text, url: "status of 400" in text and f"/api/devices/{device}" in url)
    page.get_by_test_id("tags-input").fill("site:line, bad tag")
    page.get_by_test_id("save-tags").click()
    page.get_by_test_id("error").wait_for()  # the API's refusal, shown; nothing changed
    page.get_by_test_id("tags-input").fill("site:line, line-3")
    page.get_by_test_id("save-tags").click()
    until(page, "document.querySelector('[data-testid=device-tags]')?.innerText.includes('line-3')")
    tags = requests.get(
        f"{platform.url}/api/devices/{device}", headers=platform.headers("viewer"), timeout=10
    )
    assert tags.json()["data"]["tags"] == ["line-3", "site:line"]
    engineer.assert_clean()


def test_image_grid_pages_in_and_filters(admin_tab: Tab, platform: Platform) -> None:
    page = admin_tab.page
    page.goto(f"/images?project={platform.ids['project']}")
    tiles = page.get_by_test_id("image-tile")
    tiles.nth(47).wait_for()
    assert tiles.count() == 48  # one page
    # Thumbnails load from their signed URLs (no Authorization header on an <img>).
    until(page, "[...document.querySelectorAll('.tile img')].slice(0, 8).every(i => i.naturalWidth > 0)")
    assert "sig=" in (tiles.first.locator("img").get_attribute("src") or "")
    page.get_by_test_id("grid-sentinel").scroll_into_view_if_needed()
    tiles.nth(len(platform.ids["images"]) - 1).wait_for()
    assert tiles.count() == len(platform.ids["images"])
    assert page.get_by_test_id("image-count").inner_text().startswith(f"{len(platform.ids['images'])} of")

    page.get_by_test_id("filter-label").select_option("3")
    page.wait_for_url("**label=3**")
    until(
        page,
        "(() => { const t = [...document.querySelectorAll('[data-testid=image-tile]')];"
        " return t.length > 0 && t.length < 20 && t.every(e => e.innerText.includes('3')); })()",
    )
    admin_tab.assert_clean()


def test_image_with_boxes_drawn(admin_tab: Tab, platform: Platform) -> None:
    page = admin_tab.page
    page.goto(f"/images/{platform.ids['boxed_image']}")
    page.get_by_test_id("image-page").wait_for()
    boxes = page.get_by_test_id("overlay").get_by_test_id("box")
    boxes.first.wait_for()
    assert boxes.count() == platform.ids["boxes"]
    until(page, "document.querySelector('[data-testid=image-full]').naturalWidth > 0")
    frame = page.get_by_test_id("image-full").bounding_box()
    assert frame["width"] > 320  # drawn larger than the 320 px frame: the boxes must scale with it
    for box in boxes.all():
        b = box.bounding_box()
        assert frame["x"] - 3 <= b["x"] and b["x"] + b["width"] <= frame["x"] + frame["width"] + 3
        assert frame["y"] - 3 <= b["y"] and b["y"] + b["height"] <= frame["y"] + frame["height"] + 3
        assert box.inner_text().strip() in {str(d) for d in range(10)}
    admin_tab.assert_clean()


def test_live_training_curve_gains_points(admin_tab: Tab, platform: Platform) -> None:
    admin = platform.headers("admin")
    job = platform.call(
        "POST",
        "/ml/training-jobs",
        admin,
        json={"dataset_id": platform.ids["dataset"], "params": {"epochs": 5}},
    )
    path = f"/ml/training-jobs/{job['id']}"
    page = admin_tab.page
    page.goto(f"/training/{job['id']}")
    page.get_by_test_id("training-curve-empty").wait_for()
    assert page.get_by_test_id("flow-run-link").get_attribute("href").startswith("http://127.0.0.1:4200/")

    rows = history(5)
    platform.call(
        "PATCH",
        path,
        platform.service,
        json={"status": "running", "progress": {**rows[0], "history": rows[:1]}},
    )
    chart = page.locator("[data-testid=training-curve][data-points='1']")
    chart.wait_for()
    page.evaluate("document.querySelector('[data-testid=training-curve] canvas').dataset.mark = 'first'")
    for upto in (3,):  # two epochs at once, as a slow poll would see them
        platform.call(
            "PATCH",
            path,
            platform.service,
            json={"status": "running", "progress": {**rows[upto - 1], "history": rows[:upto]}},
        )
        page.locator(f"[data-testid=training-curve][data-points='{upto}']").wait_for()
    # The same chart, grown in place (not redrawn from scratch).
    assert (
        page.evaluate("document.querySelector('[data-testid=training-curve] canvas').dataset.mark") == "first"
    )
    assert page.locator("[data-testid=training-score-curve][data-points='3']").count() == 1
    assert "epoch 3 / 5" in page.get_by_test_id("job-summary").inner_text()

    platform.call("PATCH", path, platform.service, json={"status": "failed", "error": "CUDA out of memory"})
    page.get_by_text("CUDA out of memory").wait_for()
    assert page.get_by_test_id("job-status").first.inner_text() == "Failed"
    admin_tab.assert_clean()


def test_a_viewer_sees_no_deploy_action(open_tab: Callable[..., Tab], platform: Platform) -> None:
    viewer = open_tab("viewer")
    page = viewer.page
    page.goto(f"/models/{platform.ids['model']}")
    page.get_by_test_id("export-row").first.wait_for()
    assert page.get_by_test_id("deploy-button").count() == 0
    assert page.get_by_test_id("new-export").count() == 0
    page.goto(f"/projects/{platform.ids['project']}")
    page.get_by_test_id("batch-row").first.wait_for()
    assert page.get_by_test_id("deploy-button").count() == 0
    assert page.locator("[data-testid^=batch-to-]").count() == 0
    assert page.get_by_test_id("nav-admin").count() == 0
    viewer.assert_clean()
    # And the API refuses it anyway.
    resp = requests.patch(
        f"{platform.url}/api/data/projects/{platform.ids['project']}",
        json={"deployed_export_id": None},
        headers=platform.headers("viewer"),
        timeout=10,
    )
    assert resp.status_code == 403


def test_an_ml_engineer_deploys_to_a_device(open_tab: Callable[..., Tab], platform: Platform) -> None:
    engineer = open_tab("ml_engineer")
    page = engineer.page
    page.goto(f"/models/{platform.ids['model']}")
    page.get_by_test_id("deploy-button").first.click()
    dialog = page.get_by_test_id("deploy-dialog")
    dialog.get_by_test_id("deploy-target").select_option("device")
    device_id = platform.ids["devices"][2]
    dialog.get_by_test_id("deploy-device").select_option(str(device_id))
    dialog.get_by_test_id("deploy-confirm").click()
    page.get_by_test_id("toast").wait_for()
    device = platform.call("GET", f"/devices/{device_id}", platform.headers("admin"))
    assert device["deployed_export_id"] == platform.ids["export"]
    engineer.assert_clean()


def test_provisioning_token_secret_is_shown_once(admin_tab: Tab, platform: Platform) -> None:
    page = admin_tab.page
    page.goto("/admin")
    page.get_by_test_id("new-token").click()
    page.get_by_test_id("token-name").fill("line 4")
    page.get_by_test_id("token-create").click()
    secret = page.get_by_test_id("token-secret").inner_text()
    assert secret.startswith("apt_") or len(secret) > 30
    page.get_by_test_id("secret-done").click()
    page.get_by_test_id("token-row").filter(has_text="line 4").wait_for()
    assert secret not in page.content()
    listed = platform.call("GET", "/provisioning-tokens", platform.headers("admin"))
    assert any(t["name"] == "line 4" and secret.startswith(t["prefix"]) for t in listed)
    admin_tab.assert_clean()


def test_swagger_ui_renders_offline(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab()  # the context refuses every other host: as on a machine without internet
    tab.page.goto("/api/docs")
    tab.page.locator(".opblock").nth(20).wait_for()
    assert tab.page.locator(".opblock-summary-path").filter(has_text="/api/devices").count() > 0
    tab.assert_clean()


def test_console_headers(platform: Platform) -> None:
    page = requests.get(f"{platform.url}/fleet", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    asset: Any = requests.get(f"{platform.url}/assets/app.js", timeout=10)
    assert asset.status_code == 200 and "javascript" in asset.headers["Content-Type"]


SPOIL_ACCESS = """(which) => {
  const s = JSON.parse(sessionStorage.getItem('acusight.session'));
  for (const key of which) s[key] = 'spoiled';
  sessionStorage.setItem('acusight.session', JSON.stringify(s));
}"""


def test_a_refused_token_is_refreshed_once_then_the_session_ends(
    open_tab: Callable[..., Tab], platform: Platform
) -> None:
    tab = open_tab("viewer")
    tab.allowed.append(lambda text, url: "status of 401" in text)
    page = tab.page
    before = page.evaluate("JSON.parse(sessionStorage.getItem('acusight.session'))")
    page.evaluate(SPOIL_ACCESS, ["access_token"])
    # The fleet page makes two calls at once: both are refused, one refresh serves them both.
    page.goto("/fleet")
    page.get_by_test_id("device-row").first.wait_for()
    after = page.evaluate("JSON.parse(sessionStorage.getItem('acusight.session'))")
    assert after["access_token"] not in ("spoiled", before["access_token"])
    assert after["refresh_token"] != before["refresh_token"]
    assert page.get_by_test_id("error").count() == 0

    page.evaluate(SPOIL_ACCESS, ["access_token", "refresh_token"])
    page.goto("/models")
    page.get_by_test_id("session-ended").wait_for()
    assert "/login?expired=1&next=%2Fmodels" in page.url
    tab.assert_clean()


def test_a_manager_moves_a_batch_on(open_tab: Callable[..., Tab], platform: Platform) -> None:
    engineer = open_tab("ml_engineer")
    page = engineer.page
    page.goto(f"/projects/{platform.ids['project']}")
    row = page.get_by_test_id("batch-row").first
    row.get_by_test_id("batch-to-ready").click()
    row = page.get_by_test_id("batch-row").first
    row.get_by_test_id("batch-status").filter(has_text="Ready").wait_for()
    # The move is in the batch's history, with who made it.
    row.get_by_test_id("batch-history").locator("summary").click()
    newest = row.get_by_test_id("batch-transition").first
    assert "open → ready" in newest.inner_text() and "eli@acme.test" in newest.inner_text()
    engineer.assert_clean()


def test_a_linked_label_studio_project_is_one_click_away(admin_tab: Tab, platform: Platform) -> None:
    """A linked project as the API describes it (GET /api/data/projects/{id}/label-studio). The link
    is the record linking leaves; no Label Studio runs here (tests/flows/test_label_studio.py links a
    real one), and the console only reads the record and points at it."""
    pid = platform.ids["detection_project"]
    with platform.app.app_context(), unit_of_work(db.session) as session:
        project = session.get(Project, pid)
        assert project is not None
        link = LabelStudioLink(
            organization_id=project.organization_id,
            project_id=pid,
            ls_project_id=7,
            label_studio_url="http://label-studio.example:8081",
            label_config_hash=config_hash(label_config(project)),
            sync_status="synced",
        )
        session.add(link)
    page = admin_tab.page
    try:
        page.goto(f"/projects/{pid}")
        anchor = page.get_by_test_id("label-studio-link")
        anchor.wait_for()
        assert anchor.get_attribute("href") == "http://label-studio.example:8081/projects/7"
        assert anchor.get_attribute("target") == "_blank"
        card = page.get_by_test_id("label-studio").inner_text()
        assert "Synced" in card and "in sync" in card
    finally:
        with platform.app.app_context(), unit_of_work(db.session) as session:
            session.execute(delete(LabelStudioLink).where(LabelStudioLink.project_id == pid))
    admin_tab.assert_clean()
