"""Sessions share one server process: nothing one learner does may show up in another's page.

Two AppTest sessions run in the same process, as two browser tabs do on one server: they share
every module global and Streamlit's caches, and only their session state is their own.
"""

from __future__ import annotations

import ast

import pytest
from streamlit.testing.v1 import AppTest

from app.core.navigation import PAGES, ROOT

TRAINING_PAGES = [spec for spec in PAGES if spec.url_path.startswith("cnn")]


def open_page(path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page(path)
    return at.run()


def shown(at: AppTest) -> str:
    kinds = ("markdown", "caption", "success", "info", "warning", "error", "metric")
    return "\n".join(str(getattr(el, "value", "")) for kind in kinds for el in at.get(kind))


# Pages whose training panel sits in a tab that runs only when open: how to open it.
OPEN_TRAINING = {"cnn2d_downsampled": {"p8.tab": "Train the down-sampled CNN"}}


def train_button(at: AppTest):
    return next(b for b in at.button if b.key and b.key.endswith(".tp.train"))


def open_training(spec, at: AppTest) -> AppTest:
    for key, value in OPEN_TRAINING.get(spec.url_path, {}).items():
        at.session_state[key] = value
    return at.run()


@pytest.mark.parametrize("spec", TRAINING_PAGES, ids=[p.url_path for p in TRAINING_PAGES])
def test_one_learners_training_never_shows_in_another_session(spec):
    alice, bob = (
        open_training(spec, open_page(spec.path)),
        open_training(spec, open_page(spec.path)),
    )
    train_button(alice).click().run()
    assert not alice.exception
    assert "Trained " in shown(alice)

    bob.run()
    assert not bob.exception
    assert "Trained " not in shown(bob)
    prefix = train_button(alice).key.removesuffix(".tp.train")
    assert f"{prefix}.tp.run" in alice.session_state
    assert f"{prefix}.tp.run" not in bob.session_state


def test_an_edit_in_one_session_leaves_the_other_on_the_reference_numbers():
    alice, bob = open_page("pages/1_conv1d.py"), open_page("pages/1_conv1d.py")
    alice.slider(key="c1d.s").set_value(2).run()
    assert "[[2360, 2480], [3485, 3680]]" not in shown(alice)
    bob.run()
    assert "[[2360, 2480], [3485, 3680]]" in shown(bob)


MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "Counter", "OrderedDict", "deque"}


def module_level_mutables(path) -> list[str]:
    """Names bound at module level to a mutable container (shared by every session)."""
    tree = ast.parse(path.read_text())
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            value = node.value
            mutable = isinstance(value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp)
            if isinstance(value, ast.Call) and getattr(value.func, "id", "") in MUTABLE_CALLS:
                mutable = True
            if mutable:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found += [ast.unparse(t) for t in targets]
    return found


def test_app_and_pages_keep_no_module_level_mutable_state():
    """Session data lives in st.session_state; module globals would be seen by every learner.

    Read-only lookup tables are allowed and are spelled as constants (UPPER_CASE); any other
    module-level list, dict or set would be state shared by everyone on the server.
    """
    offenders = {}
    for path in [*(ROOT / "app").glob("*.py"), *(ROOT / "pages").glob("*.py")]:
        names = [n for n in module_level_mutables(path) if not (n.isupper() or n == "__all__")]
        if names:
            offenders[str(path.relative_to(ROOT))] = names
    assert not offenders, offenders
