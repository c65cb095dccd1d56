"""The repository keeps its promises: README's commands are the ones CI runs; every page is listed."""

from __future__ import annotations

import re
import tomllib

import pytest

from app.core.navigation import ROOT
from devtools.readme_tables import TABLES, block

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


@pytest.mark.parametrize("name", TABLES)
def test_readme_generated_tables_are_current(name):
    assert block(README, name) == TABLES[name]().strip(), "run: python -m devtools.readme_tables"


def test_runtime_requirements_match_package_metadata():
    listed = {
        re.split(r"[<>=]", line)[0].strip().lower(): line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert sorted(listed.values()) == sorted(meta)
