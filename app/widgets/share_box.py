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

from app.core.controls import Controls
from app.core.share import Schema, ShareError, decode, encode
from app.core.tensor_tables import summarize_errors


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
    """Show (once) why a share link could not be used; call where the page shows messages."""
    errors = st.session_state.pop(f"{page}.link_errors", None)
    if errors:
        st.warning(
            "This link's setup could not be used, so the page shows its default example.\n\n"
            + summarize_errors(errors)
        )


def share_link(schema: Schema, state: Mapping[str, Any], *, views: Controls | None = None) -> None:
    """The "Share this setup" box: writes the setup into the address bar and shows a copyable
    link; explains instead when the setup is too large for a link. ``views``: controls of views
    the link also carries (read from session state; see ``restore_view_link``)."""
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
    if {k: st.query_params.get(k) for k in st.query_params} != params:
        st.query_params.from_dict(params)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    base = st.context.url or ""
    st.caption("Copy this link (the button on the right) to reopen the page exactly as it is now.")
    st.code(f"{base}?{query}", language=None, wrap_lines=True)
