"""Plain logic of the app: limits, share links, ledgers, presets, data-set models, training jobs.

No Streamlit and no Plotly here (NumPy, pandas and Pillow are fine), so everything is testable
without a browser; ``app.figures`` draws and ``app.widgets`` shows what these modules return.
"""
