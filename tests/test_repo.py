"""The repository keeps its promises: README's commands are the ones CI runs; every page is listed."""

from __future__ import annotations

import re
import tomllib

from app.navigation import ROOT
from devtools.readme_pages import page_table

README = (ROOT / "README.md").read_text()


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README)


def test_readme_opens_with_run_and_test_commands():
    run, test = readme_commands()[:2]
    assert run == "pip install -r requirements.txt && streamlit run streamlit_app.py"
    assert "requirements-dev.txt" in test and "pytest" in test


def test_ci_runs_exactly_the_readme_test_command():
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci_lines


def test_readme_page_table_is_the_navigation():
    table = README.split("<!-- pages:start -->\n")[1].split("\n<!-- pages:end -->")[0]
    assert table == page_table(), "run: python -m devtools.readme_pages"


def test_runtime_requirements_match_package_metadata():
    listed = {
        re.split(r"[<>=]", line)[0].strip().lower(): line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert sorted(listed.values()) == sorted(meta)
