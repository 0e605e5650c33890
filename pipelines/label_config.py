"""What Label Studio is told about a project: the labeling config, the names in it and in the task data,
and the hash that says which config a Label Studio project has.

Plain Python, no web or ML code: the API (which makes the config) and the flows (which push tasks and
put the config in Label Studio) both import it, so the two compute it once, the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

# Names in the labeling config and the task data.
IMAGE_KEY = "image"
IMAGE_ID_KEY = "acusight_image_id"
FROM_NAME = "label"


def label_config(task_type: str, labels: Sequence[str]) -> str:
    """The labeling config of a project: Choices for classification, RectangleLabels for detection."""
    if task_type == "classification":
        options = "".join(f"    <Choice value={quoteattr(label)}/>\n" for label in labels)
        control = (
            f'  <Choices name="{FROM_NAME}" toName="{IMAGE_KEY}" choice="single-radio" showInline="true">\n'
            f"{options}  </Choices>\n"
        )
    else:
        options = "".join(f"    <Label value={quoteattr(label)}/>\n" for label in labels)
        # Rotated boxes would not map onto the axis-aligned boxes Acusight keeps.
        control = (
            f'  <RectangleLabels name="{FROM_NAME}" toName="{IMAGE_KEY}" canRotate="false">\n'
            f"{options}  </RectangleLabels>\n"
        )
    return f'<View>\n  <Image name="{IMAGE_KEY}" value="${IMAGE_KEY}" zoom="true"/>\n{control}</View>\n'


def config_hash(config: str) -> str:
    """The hash a link keeps of the config its Label Studio project has."""
    return hashlib.sha256(config.encode()).hexdigest()
