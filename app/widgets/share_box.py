"""Share links on the page: restore a page from ``st.query_params`` once, warn about a bad link,
and the "Share this setup" box that writes the setup back with a copyable URL.

A view that appears only after training (the gradients of a run, a receptive field) keeps its
own controls in the same link, as optional fields: ``restore_view_link(views)`` reads them
once per session (a link without them leaves the view's defaults; the page's own fields are
read by the page), and ``share_link(schema, state, views=views)`` writes them after the page's.

The link format and its strict parsing are plain logic: ``app.core.share``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from app.core import limits
from app.core.controls import Controls
from app.core.exercise_list import EXERCISE_FIELD
from app.core.link_actions import RETRAIN, view_params
from app.core.page_setups import PAGES
from app.core.share import Schema, ShareError, decode, encode, query_length
from app.core.teacher_links import TEACHER_FIELDS
from app.core.tensor_tables import summarize_errors
from app.widgets.copy_button import link_with_copy
from app.widgets.exact_links import open_tab, open_view, page_view, view_warning
from app.widgets.task_box import TASK, fill_task, open_task
from app.widgets.teaching import code_part, teacher_part


def _link_params(schema: Schema) -> dict[str, Any]:
    """The address bar's values of the schema's fields (today's and earlier names)."""
    params: dict[str, Any] = {}
    for name in schema.names_read:
        values = st.query_params.get_all(name)
        # A repeated parameter (?x=1&x=2) is ambiguous: decode() rejects the list.
        if values:
            params[name] = values[0] if len(values) == 1 else values
    return params


def restore_from_link(page: str, schema: Schema, apply: Callable[[dict[str, Any]], None]) -> bool:
    """Once per session and page: read ``st.query_params`` and ``apply`` the decoded state.

    Call at the top of the page, before any widget renders (``apply`` writes widget keys). A
    malformed, oversized or tampered link shows a warning and leaves the defaults in place.
    Returns True when a link was applied.
    """
    flag = f"{page}.link_checked"
    if st.session_state.get(flag):
        return False
    st.session_state[flag] = True
    state, errors = decode(_link_params(schema), schema)
    if errors:
        st.session_state[f"{page}.link_errors"] = errors
        return False
    if state:
        apply(state)
        return True
    return False


def _view_flag(key: str) -> str:
    return f"{key}.link_checked"


def restore_view_link(views: Controls) -> None:
    """Once per session and control: the view's controls from ``st.query_params``, if the link
    has them.

    Call before the view's widgets render. Each control is applied at most once (a page's share
    box may name several views' controls together, after some of them were drawn). A bad value
    is not applied; the view keeps its defaults and ``view_link_warning(views)`` says why.
    """
    state = st.session_state
    fresh = [key for key in views.keys if not state.get(_view_flag(key))]
    if not fresh:
        return
    for key in fresh:
        state[_view_flag(key)] = True
    unread = Controls(tuple(c for c in views if c.key in fresh))
    schema = unread.schema()
    link, errors = decode(_link_params(schema), schema)
    if errors:
        state[_view_flag(fresh[0]) + ".errors"] = errors
    elif link:
        unread.apply(link, state)


def view_link_warning(views: Controls) -> None:
    """Say (once) why the link's values for these view controls were not used."""
    for key in views.keys:
        errors = st.session_state.pop(_view_flag(key) + ".errors", None)
        if errors:
            st.warning(
                "This view's settings in the link could not be used.\n\n" + summarize_errors(errors)
            )


def link_warning(page: str) -> None:
    """The top of the page, after its setup was read from the link and before its widgets:
    apply the link's view (open tab, selection, trained model: ``exact_links.open_view``),
    say (once) why a link could not be used, and open the exercise a link names, if any
    (``task_box.open_task``)."""
    open_view(page)
    errors = st.session_state.pop(f"{page}.link_errors", None)
    if errors:
        st.warning(
            "This link's setup could not be used, so the page shows its default example.\n\n"
            + summarize_errors(errors)
        )
    view_warning(page)
    open_task(page)


def share_link(
    schema: Schema,
    state: Mapping[str, Any],
    *,
    views: Controls | None = None,
    page: str | None = None,
) -> None:
    """The "Share this setup" box: writes the page into the address bar and shows the link
    with a Copy button; explains instead when the setup is too large for a link. ``views``:
    controls of views the link also carries (read from session state; see
    ``restore_view_link``). ``page`` (a section page's id, ``app.core.page_setups``): the link
    also carries the page's view and trained model (``app.widgets.exact_links``), and "Get
    the code", "Make an exercise from this page" and the open exercise's check follow."""
    st.subheader("Share this setup")
    if views is not None and len(views):
        restore_view_link(views)  # before the address bar is rewritten, if the view never ran
        schema = Schema((*schema.fields, *views.fields), schema.check, schema.legacy)
        state = {**state, **views.share_state(st.session_state)}
    try:
        params = encode(state, schema)
    except ShareError as error:
        st.info(f"This setup cannot be shared as a link: {error}.")
        return
    setup = PAGES.get(page or "")
    note, page_state = None, None
    if setup is not None:
        page_state, errors = decode(params, setup.schema)
        view, parameters = page_view(setup.page, page_state)
        extra, note = view_params(setup, params, view, parameters)
        params = {**params, **extra, **_task_fields(params)}
    if {k: st.query_params.get(k) for k in st.query_params} != params:
        st.query_params.from_dict(params)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    base = st.context.url or ""
    trained = " and its trained model" if any(k in params for k in ("orun", "ow")) else ""
    replay = (
        " A trained model is trained again when the link opens, from the same seed or weights "
        "with the same steps: training is deterministic, so the numbers are the same."
        if setup is not None and setup.model_page is not None
        else ""
    )
    st.caption(
        "Copy this link (the Copy link button below it) to reopen the page as it is now: its "
        f"settings and data, the open tab and selection{trained}.{replay}"
    )
    link_with_copy(f"{base}?{query}")
    if note == RETRAIN:
        st.caption(note)
    if setup is not None and page_state is not None and not errors:
        tab = open_tab(setup.page, page_state)
        code_part(setup.page, tab, page_state)
        teacher_part(setup.page, tab, page_state, base)
        fill_task(setup.page, page_state, tab)


def _task_fields(params: Mapping[str, str]) -> dict[str, str]:
    """The open exercise's fields of the address bar, kept while it is open (if they fit)."""
    if st.session_state.get(TASK) is None:
        return {}
    kept = {name: st.query_params[name] for name in (*TEACHER_FIELDS, EXERCISE_FIELD)
            if name in st.query_params}  # fmt: skip
    return kept if query_length({**params, **kept}) <= limits.MAX_URL_CHARS else {}
