"""The README's "Limits" table, generated from app/core/limits.py: ``python -m devtools.limits_doc``.

The constants and their docstrings are read with ``ast`` (not imported), so the table shows the
values as written (``2 * 1024 * 1024``) next to what they evaluate to, and a cap without a
docstring is noticed (its description reads "(undocumented)").
"""

from __future__ import annotations

import ast
from pathlib import Path

LIMITS_FILE = Path(__file__).resolve().parent.parent / "app" / "core" / "limits.py"


def limit_constants(path: Path = LIMITS_FILE) -> list[tuple[str, object, str, str]]:
    """(name, value, source text of the value, docstring) of every UPPER_CASE constant."""
    source = path.read_text()
    tree = ast.parse(source)
    rows = []
    body = tree.body
    for index, node in enumerate(body):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Name) and target.id.isupper()):
            continue
        doc = ""
        following = body[index + 1] if index + 1 < len(body) else None
        if (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            doc = " ".join(following.value.value.split())
        text = ast.get_source_segment(source, node.value) or ""
        # Literal arithmetic only (``2 * 1024 * 1024``): evaluated on the AST, never exec'd.
        rows.append((target.id, _evaluate(node.value), text, doc))
    return rows


def _evaluate(node: ast.expr) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)  # type: ignore[operator]
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left), _evaluate(node.right)
        operators = {ast.Mult: lambda a, b: a * b, ast.Add: lambda a, b: a + b,
                     ast.Sub: lambda a, b: a - b, ast.Pow: lambda a, b: a**b}  # fmt: skip
        for kind, apply in operators.items():
            if isinstance(node.op, kind):
                return apply(left, right)
    raise ValueError(f"not a literal constant: {ast.dump(node)}")


def _format(value: object, text: str) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
        shown = f"{value:.0e}".replace("e+0", "e").replace("e+", "e")
    elif isinstance(value, int) and value >= 10_000:
        shown = f"{value:,}"
    else:
        shown = str(value)
    if text.replace("_", "") not in (shown.replace(",", ""), str(value)):
        shown = f"{shown} (`{text}`)"
    return shown


def limits_table(path: Path = LIMITS_FILE) -> str:
    """A markdown table: constant, value, what it bounds (its docstring)."""
    rows = [
        f"| `{name}` | {_format(value, text)} | {(doc or '(undocumented)').replace('|', '/')} |"
        for name, value, text, doc in limit_constants(path)
    ]
    return "\n".join(["| Constant | Value | What it bounds |", "|---|---:|---|", *rows])


def main() -> None:
    print(limits_table())


if __name__ == "__main__":
    main()
