"""Figure builders: arrays -> Plotly figures (and SVG thumbnails). No Streamlit here.

``base`` holds the palette and the panel builder every heatmap uses; ``tensors``, ``pooling``,
``images``, ``training`` and ``vectors`` draw one subject each; ``chart_spec`` keeps finished
figures as JSON so a rerun does not rebuild them.
"""
