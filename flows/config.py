"""What a flow needs to know: the worker's settings, read from ACUSIGHT_* environment variables.

The model is ``acusight_settings.FlowSettings`` (the variables the API reads too are declared there
once); flows build theirs with ``FlowSettings.from_env()``.
"""

from __future__ import annotations

from acusight_settings import PLACEHOLDERS, FlowSettings, check_service_key

__all__ = ["PLACEHOLDERS", "FlowSettings", "check_service_key"]
