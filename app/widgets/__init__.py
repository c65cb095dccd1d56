"""Streamlit widgets: editors, controls, the stepper, the share box, the training panel.

Each module draws one kind of thing with Streamlit and imports no Plotly itself: figures come
from ``app.figures`` builders, plain logic from ``app.core``. Parts named after a section
(``cnn1d_text``, ``cnn2d_downsampled_model``) are blocks of those sections' pages.
"""
