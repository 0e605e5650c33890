"""``acusight-agent``: run the agent, or say what its state dir holds.

argparse, not click: the SDK keeps its dependencies to what a camera needs. Every setting is also an
``ACUSIGHT_AGENT_<NAME>`` variable (``--queue-max-mb`` is ``ACUSIGHT_AGENT_QUEUE_MAX_MB``); a flag wins.
Problems the operator must fix are one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from acusight_sdk.agent.agent import Agent
from acusight_sdk.agent.config import ConfigError, from_sources
from acusight_sdk.agent.identity import SetupError, read_key
from acusight_sdk.agent.models import POINTER
from acusight_sdk.agent.queue import FrameQueue

log = logging.getLogger("acusight_sdk.agent")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acusight-agent",
        description="The Acusight device agent. Every option is also ACUSIGHT_AGENT_<OPTION> "
        "(e.g. ACUSIGHT_AGENT_STATE_DIR); an option given here wins.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="provision (first start), check in, capture, upload")
    run.add_argument("--api", help="the platform's URL (http://host:8080 or .../api)")
    run.add_argument("--state-dir", type=Path, help="where the key, the queue and the models are kept")
    run.add_argument("--token", help="a provisioning token (first start only)")
    run.add_argument("--serial", help="the device's serial number (first start; default: the host name)")
    run.add_argument("--name", help="the device's name (first start)")
    run.add_argument("--watch", type=Path, help="capture image files written into this folder")
    run.add_argument("--watch-done", type=Path, help="move captured files here instead of deleting them")
    run.add_argument("--queue-max-mb", type=float, help="the queue's bound in MB (default 512)")
    run.add_argument("--queue-max-frames", type=int, help="the queue's bound in frames (default: none)")
    run.add_argument("--batch-size", type=int, help="frames per upload request (default 16, at most 32)")
    run.add_argument("--checkin-interval-s", type=float, help="until the platform says its own (60)")
    run.add_argument("--firmware-version", help="reported at check-in")
    run.add_argument("--log-level", help="DEBUG, INFO (default), WARNING")
    status = sub.add_parser("status", help="the queue, the key and the model kept in a state dir")
    status.add_argument("--state-dir", type=Path, help="the agent's state dir")
    return parser


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    return {key.replace("-", "_"): value for key, value in vars(args).items() if key != "command"}


def _run(args: argparse.Namespace) -> int:
    config = from_sources(_flags(args))
    logging.basicConfig(
        level=getattr(logging, str(config.log_level).upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(message)s",
    )
    agent = Agent(config)

    def stop(signum: int, _frame: Any) -> None:
        log.info("%s: stopping (frames not sent stay queued)", signal.Signals(signum).name)
        agent.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = agent.run()
    if agent.fatal:
        print(f"acusight-agent: {agent.fatal}", file=sys.stderr)
    return code


def _status(args: argparse.Namespace) -> int:
    state_dir = args.state_dir
    if state_dir is None:
        state_dir = from_sources({"api": "http://unused", **_flags(args)}).state_dir
    if not state_dir.is_dir():
        raise ConfigError(f"{state_dir} is not a state dir (no such folder)")
    found: dict[str, Any] = {"state_dir": str(state_dir)}
    try:
        found["key"] = "present" if read_key(state_dir / "device.key") else "absent"
    except SetupError as exc:
        found["key"] = f"refused: {exc}"
    queue_file = state_dir / "queue.sqlite3"
    if queue_file.exists():
        queue = FrameQueue(queue_file, None, None)
        stats = queue.stats()
        queue.close()
        found.update(
            queue_frames=stats.frames,
            queue_bytes=stats.bytes,
            predictions_pending=stats.predictions,
            counters=stats.counters,
        )
    else:
        found.update(queue_frames=0, queue_bytes=0, predictions_pending=0, counters={})
    pointer = state_dir / "models" / POINTER
    found["model"] = None
    if pointer.exists():
        info = json.loads(pointer.read_text())
        found["model"] = {key: info.get(key) for key in ("export_id", "model_name", "task", "sha256")}
    print(json.dumps(found, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args) if args.command == "run" else _status(args)
    except (ConfigError, SetupError) as exc:
        print(f"acusight-agent: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
