"""The least a Streamlit page can be, as the browser-latency benchmark's reference.

``streamlit run benchmarks/floor_app.py``: a title and a sentence; with ``?chart=1`` also one
3 x 3 Plotly heatmap, drawn with ``st.plotly_chart`` as the app draws its charts. Loading it
in the same run as the app's pages says how much of a page's time is Streamlit's and Plotly's
own start (the same server, config and browser), whatever the machine's load.
"""

import plotly.graph_objects as go
import streamlit as st

st.title("Reference page")
st.write("Streamlit's own start, with nothing of the app.")
if st.query_params.get("chart") == "1":
    st.plotly_chart(go.Figure(go.Heatmap(z=[[1, 2, 3], [4, 5, 6], [7, 8, 9]])))
