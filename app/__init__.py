"""Streamlit side of cnndemo: navigation, figure builders and shared widgets.

The NumPy engine lives in :mod:`cnndemo`; nothing in it imports from here.
"""
