"""The public OpenAPI document as openapi-generator's Go generator can compile it (standard library only).

Two constructs of sdk/openapi.json make it write Go that does not build:

- ``default: null`` (a nullable field whose default is "absent"): written as the Go literal ``null``;
- ``anyOf`` of string formats (``ip_address``: ipv4 or ipv6): written as an undefined type ``AnyOf``.

Both mean nothing to a client, so they are dropped; everything else is passed through unchanged.
Usage: python3 normalize.py IN.json OUT.json
"""

from __future__ import annotations

import json
import sys
from typing import Any


def normalize(node: Any) -> Any:
    if isinstance(node, dict):
        if "default" in node and node["default"] is None:
            del node["default"]
        if node.get("type") == "string" and all(set(each) <= {"format"} for each in node.get("anyOf", [{}])):
            node.pop("anyOf", None)
        for value in node.values():
            normalize(value)
    elif isinstance(node, list):
        for value in node:
            normalize(value)
    return node


if __name__ == "__main__":
    source, target = sys.argv[1:3]
    with open(source) as read:
        document = normalize(json.load(read))
    with open(target, "w") as write:
        json.dump(document, write, indent=2, sort_keys=True)
