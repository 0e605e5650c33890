"""Regenerate the SDKs from the server's OpenAPI document.

    .venv/bin/python sdk/generate.py           # write sdk/openapi.json and the generated code
    .venv/bin/python sdk/generate.py --check   # exit 1, naming what differs, when either is stale

Steps:

1. Build the document from the app (no server needed) and keep the public part: operations marked
   ``x-acusight-service-only`` (what only the platform's workers call) are dropped, and paths left
   with no operation go too. Written with sorted keys, so the same server gives the same bytes.
2. Run openapi-python-client on it into a temporary directory, make the output importable on
   Python 3.9 (see ``make_py39``), and swap it into ``sdk/python/acusight_sdk/_generated``.
3. The TypeScript types: ``npm --prefix sdk/typescript run generate`` (openapi-typescript).
4. The Go client: ``sdk/go/generate.sh`` (openapi-generator's Go generator, from the dev extra's
   openapi-generator-cli; it needs Java and Go). Skipped, saying so, where those are missing.

``--check`` regenerates each into a temporary place and compares; the Go client is compared when its
tools are here (always in CI, where their absence is an error).

The generator's warnings are reported; the only ones expected are binary responses (image bytes),
which the generated client omits and the hand-written layer downloads. Any other warning fails.
"""

from __future__ import annotations

import argparse
import ast
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "sdk" / "openapi.json"
GENERATED = ROOT / "sdk" / "python" / "acusight_sdk" / "_generated"
TYPESCRIPT = ROOT / "sdk" / "typescript"
GO = ROOT / "sdk" / "go"
VENV_BIN = ROOT / ".venv" / "bin"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SERVICE_ONLY = "x-acusight-service-only"
# The post-hooks run with --isolated: the output is the same wherever the temporary directory is
# (no pyproject.toml above it may change the rules or the line length).
GENERATOR_CONFIG = {
    "post_hooks": [
        "ruff check . --isolated --no-cache --target-version py39 --fix-only --extend-select=I",
        "ruff format . --isolated --no-cache --target-version py39",
    ]
}
# Warnings the generator may give that are understood: binary responses have no model.
EXPLAINED = re.compile(r"Unsupported content_type (image/[\w*.+-]+|application/octet-stream)")
# typing names newer than Python 3.9, which the generated code must not import at run time.
TYPING_AFTER_39 = {
    "Self",
    "TypeAlias",
    "ParamSpec",
    "Concatenate",
    "TypeGuard",
    "Never",
    "LiteralString",
    "NotRequired",
    "Required",
    "Unpack",
    "TypeVarTuple",
    "assert_never",
    "dataclass_transform",
    "override",
}


class GenerationError(Exception):
    pass


# -- the document ---------------------------------------------------------------------------------


def server_document() -> dict[str, Any]:
    """The document the app serves at /api/openapi.json, built with a throwaway data dir."""
    sys.path.insert(0, str(ROOT))
    import webapp  # the server's package: only needed here, never by the SDK

    with tempfile.TemporaryDirectory(prefix="acusight-openapi-") as data_dir:
        app = webapp.create_app({"data_dir": data_dir, "database_url": f"sqlite:///{data_dir}/openapi.db"})
        response = app.test_client().get("/api/openapi.json")
        if response.status_code != 200:
            raise GenerationError(f"GET /api/openapi.json answered {response.status_code}")
        document: dict[str, Any] = response.get_json()
    return document


def public_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document without the service-only operations (and paths they leave empty)."""
    document = json.loads(json.dumps(document))
    paths: dict[str, Any] = {}
    for path, item in document.get("paths", {}).items():
        kept = {
            key: value
            for key, value in item.items()
            if key not in METHODS or not (isinstance(value, dict) and value.get(SERVICE_ONLY))
        }
        if any(key in METHODS for key in kept):
            paths[path] = kept
    document["paths"] = paths
    return prune_schemas(document)


def _refs(node: Any) -> set[str]:
    """The component schemas ``node`` refers to (``#/components/schemas/<name>``), at any depth."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                found.add(ref.rsplit("/", 1)[1])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def prune_schemas(document: dict[str, Any]) -> dict[str, Any]:
    """Drop the component schemas no public operation reaches (those of the service-only routes), so
    the generated clients carry no model a user cannot meet."""
    components = document.get("components", {})
    schemas = components.get("schemas", {})
    outside = {key: value for key, value in components.items() if key != "schemas"}
    wanted = _refs(document["paths"]) | _refs(outside)
    todo = list(wanted)
    while todo:
        for name in _refs(schemas.get(todo.pop(), {})) - wanted:
            wanted.add(name)
            todo.append(name)
    components["schemas"] = {name: schema for name, schema in schemas.items() if name in wanted}
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# -- the Python client ----------------------------------------------------------------------------


def run_generator(spec: Path, output: Path) -> list[str]:
    """openapi-python-client into ``output`` (which must not exist); answers its warnings."""
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    config = output.parent / "openapi-python-client.json"
    config.write_text(json.dumps(GENERATOR_CONFIG))
    generator = VENV_BIN / "openapi-python-client"
    command = [
        str(generator if generator.exists() else "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--meta",
        "none",
        "--output-path",
        str(output),
        "--config",
        str(config),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=output.parent)
    if done.returncode != 0 or not output.is_dir():
        raise GenerationError(
            f"openapi-python-client failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return _warnings(done.stdout + done.stderr)


def _warnings(log: str) -> list[str]:
    """The generator's warnings, one block each ("WARNING ..." up to the next blank-line gap)."""
    blocks = re.split(r"\n(?=WARNING )", log)
    found = [block.strip() for block in blocks if block.lstrip().startswith("WARNING")]
    if not found and "Warning(s) encountered" in log:
        found = [log.strip()]
    return found


def make_py39(package: Path) -> None:
    """Rewrite the generated code so it imports and runs on Python 3.9.

    openapi-python-client 0.29 writes 3.10+ code: ``X | Y`` unions evaluated at run time (in
    ``cast(...)`` and type aliases), ``typing.Self``, and annotations without PEP 563. Here every
    module gets ``from __future__ import annotations`` (annotations stay strings), run-time unions
    become ``typing.Union[...]``, and ``Self`` is imported for type checkers only.
    """
    for path in sorted(package.rglob("*.py")):
        source = path.read_text()
        if not source.strip():
            continue
        source = _runtime_unions(source)
        source = _self_for_type_checkers(source)
        source = _future_annotations(source)
        path.write_text(source)
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for hook in GENERATOR_CONFIG["post_hooks"]:
        subprocess.run(hook.split(), cwd=package, env=env, check=True, capture_output=True)


def _annotation_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        roots: list[ast.AST] = []
        if isinstance(node, (ast.arg, ast.AnnAssign)) and node.annotation is not None:
            roots.append(node.annotation)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            roots.append(node.returns)
        for root in roots:
            inside.update(id(child) for child in ast.walk(root))
    return inside


def _runtime_union_nodes(tree: ast.AST) -> list[ast.BinOp]:
    """The outermost ``a | b`` expressions that are evaluated at run time (not annotations)."""
    inside = _annotation_nodes(tree)
    found: list[ast.BinOp] = []
    nested: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr) and id(node) not in inside:
            if id(node) not in nested:
                found.append(node)
            nested.update(id(child) for child in ast.walk(node) if child is not node)
    return found


class _ToUnion(ast.NodeTransformer):
    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        if not isinstance(node.op, ast.BitOr):
            return self.generic_visit(node)
        parts: list[ast.expr] = []

        def flatten(expr: ast.expr) -> None:
            if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
                flatten(expr.left)
                flatten(expr.right)
            else:
                parts.append(self.visit(expr))

        flatten(node)
        return ast.Subscript(
            value=ast.Name(id="Union", ctx=ast.Load()), slice=ast.Tuple(elts=parts, ctx=ast.Load())
        )


def _runtime_unions(source: str) -> str:
    tree = ast.parse(source)
    nodes = _runtime_union_nodes(tree)
    if not nodes:
        return source
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    spans = []
    for node in nodes:
        start = offsets[node.lineno - 1] + node.col_offset
        end = offsets[node.end_lineno - 1] + node.end_col_offset  # type: ignore[operator]
        spans.append((start, end, ast.unparse(_ToUnion().visit(node))))
    for start, end, text in sorted(spans, reverse=True):
        source = source[:start] + text + source[end:]
    return _add_typing_import(source, "Union")


def _add_typing_import(source: str, name: str) -> str:
    match = re.search(r"^from typing import ([^\n(]+)$", source, flags=re.MULTILINE)
    if match:
        names = {part.strip() for part in match.group(1).split(",")} | {name}
        return (
            source[: match.start()] + f"from typing import {', '.join(sorted(names))}" + source[match.end() :]
        )
    return f"from typing import {name}\n" + source


def _self_for_type_checkers(source: str) -> str:
    match = re.search(r"^from typing import ([^\n(]+)$", source, flags=re.MULTILINE)
    if not match:
        return source
    names = {part.strip() for part in match.group(1).split(",")}
    if "Self" not in names:
        return source
    names = (names - {"Self"}) | {"TYPE_CHECKING"}
    replacement = (
        f"from typing import {', '.join(sorted(names))}\n\n"
        "if TYPE_CHECKING:  # typing.Self is Python 3.11+; annotations are strings (PEP 563)\n"
        "    from typing_extensions import Self"
    )
    return source[: match.start()] + replacement + source[match.end() :]


def _future_annotations(source: str) -> str:
    if "from __future__ import annotations" in source:
        return source
    tree = ast.parse(source)
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        lines = source.splitlines(keepends=True)
        cut = sum(len(line) for line in lines[: body[0].end_lineno])
        return source[:cut] + "\nfrom __future__ import annotations\n" + source[cut:]
    return "from __future__ import annotations\n\n" + source


def py39_problems(package: Path) -> list[str]:
    """What in ``package`` would not import on Python 3.9 (``make_py39``'s guard, and the test's)."""
    problems: list[str] = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text()
        if not source.strip():
            continue
        name = path.relative_to(package)
        tree = ast.parse(source)
        if "from __future__ import annotations" not in source:
            problems.append(f"{name}: no `from __future__ import annotations`")
        for node in _runtime_union_nodes(tree):
            problems.append(f"{name}:{node.lineno}: `|` union evaluated at run time")
        checked_only = {
            id(child)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
            for child in ast.walk(node)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "typing" and id(node) not in checked_only:
                late = TYPING_AFTER_39 & {alias.name for alias in node.names}
                if late:
                    problems.append(f"{name}:{node.lineno}: imports {sorted(late)} from typing")
            if type(node).__name__ == "Match":
                problems.append(f"{name}:{node.lineno}: match statement")
    return problems


def generate_python(spec_text: str, workdir: Path) -> tuple[Path, list[str]]:
    """The generated package under ``workdir``, and the generator's warnings."""
    spec = workdir / "openapi.json"
    spec.write_text(spec_text)
    output = workdir / "_generated"
    warnings = run_generator(spec, output)
    make_py39(output)
    problems = py39_problems(output)
    if problems:
        raise GenerationError("the generated code is not Python 3.9 code:\n  " + "\n  ".join(problems))
    return output, warnings


def check_warnings(warnings: list[str]) -> None:
    explained = [warning for warning in warnings if EXPLAINED.search(warning)]
    others = [warning for warning in warnings if not EXPLAINED.search(warning)]
    if explained:
        where = [warning.splitlines()[0].removeprefix("WARNING parsing ") for warning in explained]
        print(
            f"{len(explained)} binary response(s) omitted from the generated client (the hand-written "
            "layer downloads them):\n  " + "\n  ".join(where)
        )
    if others:
        raise GenerationError("unexpected generator warnings:\n\n" + "\n\n".join(others))


# -- comparing and swapping -----------------------------------------------------------------------


def tree_differences(expected: Path, actual: Path) -> list[str]:
    """Files that differ between two generated trees (``__pycache__`` aside)."""

    def files(root: Path) -> set[str]:
        if not root.is_dir():
            return set()
        return {
            str(path.relative_to(root))
            for path in root.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }

    wanted, present = files(expected), files(actual)
    differences = [f"missing: {name}" for name in sorted(wanted - present)]
    differences += [f"unexpected: {name}" for name in sorted(present - wanted)]
    differences += [
        f"differs: {name}"
        for name in sorted(wanted & present)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return differences


def swap_in(fresh: Path, target: Path) -> None:
    """Replace ``target`` by a copy of ``fresh``: copied beside it, then two renames."""
    staging = target.with_name(f".{target.name}.new")
    retired = target.with_name(f".{target.name}.old")
    for leftover in (staging, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(fresh, staging)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def _tool(name: str) -> str | None:
    """``name`` from the project's .venv, else from PATH."""
    local = VENV_BIN / name
    return str(local) if local.exists() else shutil.which(name)


def typescript(check: bool) -> list[str]:
    """openapi-typescript's types for sdk/typescript, from sdk/openapi.json; in check mode, what is stale."""
    if not (TYPESCRIPT / "package.json").exists():
        return []
    npm = shutil.which("npm")
    if npm is None:
        raise GenerationError("sdk/typescript needs npm (Node.js 20+) on PATH")
    if not (TYPESCRIPT / "node_modules").is_dir():
        raise GenerationError("sdk/typescript has no node_modules: run `npm ci --prefix sdk/typescript`")
    done = subprocess.run(
        [npm, "--prefix", str(TYPESCRIPT), "run", "check" if check else "generate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode == 0:
        return []
    if check:
        return [f"differs: {(TYPESCRIPT / 'src' / 'schema.d.ts').relative_to(ROOT)}"]
    raise GenerationError(f"npm run generate failed in sdk/typescript:\n{done.stdout}{done.stderr}")


def go(check: bool) -> list[str]:
    """The Go client by sdk/go/generate.sh; in check mode made in a copy and compared with sdk/go."""
    if not (GO / "generate.sh").exists():
        return []
    generator, missing = _tool("openapi-generator-cli"), []
    if generator is None:
        missing.append("openapi-generator-cli (the dev extra)")
    missing += [f"{tool} on PATH" for tool in ("java", "go", "gofmt") if shutil.which(tool) is None]
    if missing:
        why = f"the Go client needs {', '.join(missing)}"
        if os.environ.get("CI"):
            raise GenerationError(why)
        print(f"generate.py: sdk/go left as it is: {why}", file=sys.stderr)
        return []
    env = {**os.environ, "OPENAPI_GENERATOR": str(generator)}
    with tempfile.TemporaryDirectory(prefix="acusight-sdk-go-") as work:
        target = GO
        if check:
            target = Path(work) / "sdk" / "go"
            shutil.copytree(GO, target)
            shutil.copy(OPENAPI, target.parent / "openapi.json")
        done = subprocess.run(["bash", str(target / "generate.sh")], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise GenerationError(f"sdk/go/generate.sh failed:\n{done.stdout}{done.stderr}")
        if not check:
            return []
        where = GO.relative_to(ROOT)
        return [
            f"{line.split(': ', 1)[0]}: {where}/{line.split(': ', 1)[1]}"
            for line in tree_differences(target, GO)
        ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when anything is stale")
    args = parser.parse_args(argv)

    spec_text = render(public_document(server_document()))
    with tempfile.TemporaryDirectory(prefix="acusight-sdk-gen-") as work:
        try:
            fresh, warnings = generate_python(spec_text, Path(work))
            check_warnings(warnings)
            if not args.check:
                OPENAPI.write_text(spec_text)
                swap_in(fresh, GENERATED)
                typescript(check=False)
                go(check=False)
                print("wrote sdk/openapi.json and the Python, TypeScript and Go clients made from it")
                return 0
            stale: list[str] = []
            if not OPENAPI.exists() or OPENAPI.read_text() != spec_text:
                stale.append(f"differs: {OPENAPI.relative_to(ROOT)}")
            generated = GENERATED.relative_to(ROOT)
            stale += [
                f"{line.split(': ', 1)[0]}: {generated}/{line.split(': ', 1)[1]}"
                for line in tree_differences(fresh, GENERATED)
            ]
            if not stale:  # the other two are made from sdk/openapi.json: compare them once it is current
                stale += typescript(check=True) + go(check=True)
        except GenerationError as exc:
            print(f"generate.py: {exc}", file=sys.stderr)
            return 2
    if stale:
        print(
            "generate.py --check: the SDKs are out of date with the server's OpenAPI document "
            "(run .venv/bin/python sdk/generate.py):\n  " + "\n  ".join(stale),
            file=sys.stderr,
        )
        return 1
    print("generate.py --check: sdk/openapi.json and the Python, TypeScript and Go clients are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
