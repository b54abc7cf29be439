"""The package layout holds: dependencies point one way, and no module imports in a cycle.

Every ``import`` and ``from … import`` in ``api/hwkg`` (at module level or inside a function)
that names another hwkg package must name a package of a lower layer, or the same package.
Packages of one layer do not import each other. Within the whole code base there is no
import cycle between modules. The layers are the ones each package's docstring states.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[2] / "api"
PACKAGE = API / "hwkg"

#: Lowest first. ``app`` is the module hwkg/app.py.
LAYERS: list[set[str]] = [
    {"core", "formulas"},
    {"turtle"},
    {"validation"},
    {"loading"},
    {"readmodel"},
    {"derived"},
    {"sparql"},
    {"serving"},
    {"web"},
    {"graphql", "linkeddata", "importers"},
    {"app"},
    {"cli"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}
#: Modules that sit directly under hwkg/ besides the packages.
TOP_MODULES = {"__init__", "__main__", "app"}
MAX_MODULES_PER_PACKAGE = 14


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(API).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """hwkg modules (or packages) that ``path`` imports, as dotted names."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module.startswith("hwkg"):
                continue
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                found.add(candidate if candidate in known else module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("hwkg")}
    return found - {"hwkg"}


def _unit(module: str) -> str:
    """The layering unit of a module: its top package, or the top module's own name."""
    return module.split(".")[1] if module.count(".") >= 1 else module


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_every_package_has_a_layer_and_a_docstring() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert packages, "no packages found"
    assert top <= TOP_MODULES, f"modules outside any package: {sorted(top - TOP_MODULES)}"
    assert packages == set(RANK) - {"app"}, "packages and layers differ"
    for name in packages:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
        assert doc and "layer" in doc.lower(), f"hwkg.{name} does not state its layer"


def test_packages_stay_small() -> None:
    for folder in (p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()):
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= MAX_MODULES_PER_PACKAGE, f"hwkg.{folder.name}: {len(modules)}"


def test_dependencies_point_down(graph: dict[str, set[str]]) -> None:
    upward = []
    for module, targets in graph.items():
        unit = _unit(module)
        if unit not in RANK:
            continue
        for target in targets:
            other = _unit(target)
            if other == unit or other not in RANK:
                continue
            if RANK[other] >= RANK[unit]:
                upward.append(f"{module} imports {target}")
    assert graph and not upward, "\n".join(sorted(upward))


def test_no_import_cycle(graph: dict[str, set[str]]) -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        edges[module] |= {t for t in targets if t in graph and t != module}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


def test_the_checks_can_fail() -> None:
    """The walker sees a relative upward import and a cycle when there is one."""
    fake = {"hwkg.core.a": {"hwkg.web.b"}, "hwkg.web.b": {"hwkg.core.a"}}
    assert RANK[_unit("hwkg.web.b")] > RANK[_unit("hwkg.core.a")]
    assert any(RANK[_unit(t)] > RANK[_unit(m)] for m, ts in fake.items() for t in ts)


#: Test folders that are not a package: the bundled data, and the repository as a whole.
TEST_FOLDERS_BESIDE_PACKAGES = {"graph": "the bundled ontology, shapes and graph",
                                "project": "layout, install, README and benchmarks"}
TESTS = API.parent / "tests"


def test_tests_mirror_the_packages() -> None:
    """Each package's tests live in tests/<package>/, so the test of a module is found by the
    package's name; no test module sits at the top of tests/ and every name is unique."""
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    test_files = sorted(TESTS.rglob("test_*.py"))
    assert test_files
    assert not [p.name for p in test_files if p.parent == TESTS]
    folders = {p.relative_to(TESTS).parts[0] for p in test_files}
    assert folders <= packages | set(TEST_FOLDERS_BESIDE_PACKAGES), folders - packages
    names = [p.name for p in test_files]
    assert len(names) == len(set(names)), "test module names must be unique (pytest imports "
    "them by base name)"


def test_test_modules_do_not_import_each_other() -> None:
    """What tests in several folders share lives in tests/*_support.py or conftest.py, never in
    another test module (whose base name would tie the two folders together)."""
    found = []
    for path in sorted(TESTS.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found += [f"{path.relative_to(TESTS)} imports {n}" for n in names
                      if n.split(".")[0].startswith("test_")]
    assert not found, found
