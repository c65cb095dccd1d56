"""The repository keeps its promises: README's commands are the ones CI runs; every page is listed."""

from __future__ import annotations

import re
import tomllib

from app.navigation import PAGES, ROOT

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


def test_readme_lists_every_page():
    table = README.split("<!-- pages:start -->")[1].split("<!-- pages:end -->")[0]
    for spec in PAGES:
        assert f"| {spec.title} |" in table, spec.title


def test_runtime_requirements_match_package_metadata():
    listed = {
        re.split(r"[<>=]", line)[0].strip().lower(): line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert sorted(listed.values()) == sorted(meta)
