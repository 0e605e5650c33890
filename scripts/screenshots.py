"""Screenshots of the web console's main pages for the docs, from the browser tests' seeded platform.

    .venv/bin/python scripts/screenshots.py [--out docs/assets/console] [--chromium /usr/bin/chromium]

Starts the API and console on a free port with a fresh database (tests/console/seed.py), signs in by
a one-time link in headless Chromium at 1280x800, and writes one PNG per page (palette-reduced when
large, so each stays small in the repository).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.console.seed import seed, seed_rollouts, serve  # noqa: E402

MAX_BYTES = 200_000
# (file name, path, the test id to wait for)
PAGES = [
    ("fleet", "/fleet", "device-row"),
    ("device", "/devices/{devices[0]}", "health-battery_pct"),
    ("images", "/images?project={project}", "image-tile"),
    ("image-boxes", "/images/{boxed_image}", "box"),
    ("training", "/training/{job}", "training-curve"),
    ("model", "/models/{model}", "confusion-matrix"),
    ("field", "/exports/{export}", "field-predictions-chart"),
    ("rollout", "/rollouts/{rollout}", "decision"),
]


def small_png(data: bytes) -> bytes:
    """The PNG as is, or reduced to a 256-colour palette when over MAX_BYTES."""
    if len(data) <= MAX_BYTES:
        return data
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").quantize(256, dither=Image.Dither.NONE).save(
        out, "PNG", optimize=True
    )
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "assets" / "console")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as platform:
        seed_rollouts(seed(platform))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 800}, base_url=platform.url)
            page.goto(platform.login_link("admin"))
            page.get_by_test_id("whoami").wait_for()
            for name, path, ready in PAGES:
                page.goto(path.format(**platform.ids))
                page.get_by_test_id(ready).first.wait_for()
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(300)  # charts settle to their width
                target = args.out / f"{name}.png"
                target.write_bytes(small_png(page.screenshot()))
                print(f"{target}: {target.stat().st_size // 1024} KB")
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
