"""Suite-wide fixtures."""

import pytest
import streamlit as st
from streamlit import config

# The app hides exception details from its users (.streamlit/config.toml); tests want them.
config.set_option("client.showErrorDetails", "full")


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    # st.cache_data is process-wide: a test must not see another test's cached results.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
