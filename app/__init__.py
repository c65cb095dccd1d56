"""Streamlit side of cnndemo, in layers whose imports point one way:

``app.core`` (plain logic) <- ``app.figures`` (Plotly) <- ``app.widgets`` (Streamlit) <- pages;
``app.server`` is process plumbing. The NumPy engine lives in :mod:`cnndemo`; nothing in it
imports from here.
"""
