"""Rewrite README.md's generated tables: ``python -m devtools.readme_tables``.

- the page table, from app/core/navigation.py;
- the limits table, from app/core/limits.py (see devtools/limits_doc.py).
"""

from __future__ import annotations

import re

from app.core.navigation import PAGES, ROOT
from devtools.limits_doc import limits_table


def page_table() -> str:
    rows = [f"| {spec.title} | {spec.summary} |" for spec in PAGES]
    return "\n".join(["| Page | What you do there |", "|---|---|", *rows])


TABLES = {"pages": page_table, "limits": limits_table}


def block(text: str, name: str) -> str:
    """The generated part of README between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    return text.split(f"<!-- {name}:start -->\n")[1].split(f"\n<!-- {name}:end -->")[0]


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    for name, build in TABLES.items():
        text = re.sub(
            rf"(<!-- {name}:start -->\n).*?(\n<!-- {name}:end -->)",
            lambda m, build=build: m.group(1) + build().strip() + m.group(2),
            text,
            flags=re.DOTALL,
        )
    readme.write_text(text)


if __name__ == "__main__":
    main()
