"""The layers import one way, and no product module grows past 400 lines.

cnndemo (engine) <- app.core (plain logic) <- app.figures (Plotly) <- app.widgets (Streamlit)
<- pages/ and streamlit_app.py; app.server (process plumbing) may use Streamlit, not Plotly.
Imports are read with ``ast`` (nothing is imported), including those inside functions.
"""

from __future__ import annotations

import ast

import pytest

from app.core.navigation import ROOT

MAX_LINES = 400
PRODUCT = [
    *sorted((ROOT / "cnndemo").rglob("*.py")),
    *sorted((ROOT / "app").rglob("*.py")),
    *sorted((ROOT / "pages").glob("*.py")),
    ROOT / "streamlit_app.py",
]


def module_name(path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imports(path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved against its package."""
    package = module_name(path).split(".")[: -1 if path.name != "__init__.py" else None]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            found |= {f"{name}.{alias.name}" for alias in node.names} | {name}
    return found


GRAPH = {module_name(path): imports(path) for path in PRODUCT}


def within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


# (importing layer, what it must not import, why)
RULES = [
    (
        "cnndemo",
        ("app", "pages", "streamlit", "plotly", "pandas", "PIL"),
        "the engine is NumPy only",
    ),
    (
        "app.core",
        ("streamlit", "plotly", "app.figures", "app.widgets", "app.server"),
        "plain logic",
    ),
    ("app.figures", ("streamlit", "app.widgets", "app.server"), "figures draw, never show"),
    ("app.widgets", ("plotly",), "widgets draw figures through app.figures"),
    ("app.server", ("plotly", "app.widgets", "app.figures"), "process plumbing"),
]


@pytest.mark.parametrize(("layer", "forbidden", "why"), RULES, ids=[r[0] for r in RULES])
def test_layers_import_only_downwards(layer, forbidden, why):
    wrong = sorted(
        f"{module} imports {name}"
        for module, names in GRAPH.items()
        if within(module, layer)
        for name in names
        if within(name, *forbidden)
    )
    assert not wrong, f"{layer} ({why}):\n" + "\n".join(wrong)


def test_only_pages_and_the_entry_point_use_streamlit_and_plotly_together():
    both = [
        module
        for module, names in GRAPH.items()
        if not within(module, "pages", "streamlit_app")
        and any(within(n, "streamlit") for n in names)
        and any(within(n, "plotly") for n in names)
    ]
    assert not both


def test_no_module_imports_a_page():
    assert not [m for m, names in GRAPH.items() if any(within(n, "pages") for n in names)]


def too_long(*prefixes: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {n} lines"
        for path in PRODUCT
        if within(module_name(path), *prefixes)
        and (n := len(path.read_text().splitlines())) > MAX_LINES
    ]


def test_app_pages_and_entry_point_modules_stay_under_400_lines():
    assert not too_long("app", "pages", "streamlit_app")


def test_engine_modules_stay_under_400_lines():
    assert not too_long("cnndemo")
