"""The device agent (``acusight-agent``): provisions once, checks in, runs the assigned model, and uploads
what the sampling policy picks through an on-disk queue that survives the platform being away.

Needs the ``[agent]`` extra (numpy, Pillow, onnxruntime) once a model is assigned.
"""

from acusight_sdk.agent.agent import Agent
from acusight_sdk.agent.config import AgentConfig
from acusight_sdk.agent.identity import SetupError

__all__ = ["Agent", "AgentConfig", "SetupError"]
