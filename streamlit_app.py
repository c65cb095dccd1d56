"""Entry point: `streamlit run streamlit_app.py`. Navigation only; every page is in pages/."""

import streamlit as st

from app.core.navigation import EXERCISES, HOME, SECTIONS
from app.server import cpu_budget, give_back_freed_memory, one_blas_thread_per_request
from app.widgets.page_style import apply_page_style

one_blas_thread_per_request()
give_back_freed_memory()

st.set_page_config(
    page_title="cnndemo: CNNs by doing", page_icon=":material/grid_on:", layout="wide"
)


def _page(spec):
    return st.Page(
        spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default
    )


apply_page_style()
navigation = st.navigation(
    {
        "Start": [_page(HOME)],
        "Sections": [_page(s) for s in SECTIONS],
        "Practice": [_page(EXERCISES)],
    }
    if SECTIONS
    else [_page(HOME)]
)
with cpu_budget():
    navigation.run()
