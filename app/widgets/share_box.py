"""Share links on the page: restore a page from ``st.query_params`` once, warn about a bad link,
and the "Share this setup" box that writes the setup back with a copyable URL.

The link format and its strict parsing are plain logic: ``app.core.share``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from app.core.share import Schema, ShareError, decode, encode
from app.core.tensor_tables import summarize_errors


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
    params: dict[str, Any] = {}
    for name in schema.names:
        values = st.query_params.get_all(name)
        # A repeated parameter (?x=1&x=2) is ambiguous: decode() rejects the list.
        if values:
            params[name] = values[0] if len(values) == 1 else values
    state, errors = decode(params, schema)
    if errors:
        st.session_state[f"{page}.link_errors"] = errors
        return False
    if state:
        apply(state)
        return True
    return False


def link_warning(page: str) -> None:
    """Show (once) why a share link could not be used; call where the page shows messages."""
    errors = st.session_state.pop(f"{page}.link_errors", None)
    if errors:
        st.warning(
            "This link's setup could not be used, so the page shows its default example.\n\n"
            + summarize_errors(errors)
        )


def share_link(schema: Schema, state: Mapping[str, Any]) -> None:
    """The "Share this setup" box: writes the setup into the address bar and shows a copyable
    link; explains instead when the setup is too large for a link."""
    st.subheader("Share this setup")
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
