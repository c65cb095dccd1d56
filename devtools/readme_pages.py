"""Rewrite README.md's page table from app/navigation.py: ``python -m devtools.readme_pages``."""

from __future__ import annotations

import re

from app.navigation import PAGES, ROOT


def page_table() -> str:
    rows = [f"| {spec.title} | {spec.summary} |" for spec in PAGES]
    return "\n".join(["| Page | What you do there |", "|---|---|", *rows])


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    new = re.sub(
        r"(<!-- pages:start -->\n).*?(\n<!-- pages:end -->)",
        lambda m: m.group(1) + page_table() + m.group(2),
        text,
        flags=re.DOTALL,
    )
    readme.write_text(new)


if __name__ == "__main__":
    main()
