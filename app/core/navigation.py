"""The app's page list: one place that the entry point, the tests and the README agree on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageSpec:
    """One page of the app.

    ``key_text`` is the page's ``st.title``: the tests wait for it, so it must not depend on
    any widget state.
    """

    path: str  # relative to the repository root
    title: str
    icon: str
    url_path: str
    key_text: str
    summary: str
    default: bool = False

    @property
    def route(self) -> str:
        """The URL path under the app's root; the default page lives at the root itself."""
        return "" if self.default else self.url_path


HOME = PageSpec(
    "pages/0_home.py",
    "Home",
    ":material/home:",
    "home",
    "Learn convolutional networks by doing them",
    "What a CNN is and how to use this app.",
    default=True,
)

SECTIONS: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/1_conv1d.py",
        "1. Convolution 1D",
        ":material/linear_scale:",
        "conv1d",
        "Convolution 1D",
        "Slide a kernel along a sequence of vectors; every output is a sum of products.",
    ),
    PageSpec(
        "pages/2_conv2d.py",
        "2. Convolution 2D",
        ":material/grid_on:",
        "conv2d",
        "Convolution 2D",
        "Slide a kernel over a grid of vectors, or over a picture to find its edges.",
    ),
    PageSpec(
        "pages/3_cnn1d_pooled.py",
        "3. CNN 1D pooled",
        ":material/short_text:",
        "cnn1d_pooled",
        "CNN 1D pooled",
        "Train a tiny text CNN; watch bigram and sentence vectors move; max pooling as ANY.",
    ),
    PageSpec(
        "pages/4_cnn1d_flat.py",
        "4. CNN 1D fully connected",
        ":material/view_column:",
        "cnn1d_flat",
        "CNN 1D fully connected",
        "Flatten instead of pooling: word positions get their own weights, length is fixed.",
    ),
    PageSpec(
        "pages/5_cnn2d_pooled.py",
        "5. CNN 2D pooled",
        ":material/blur_on:",
        "cnn2d_pooled",
        "CNN 2D pooled",
        "Train a CNN that pools over positions on sixteen 3x3 images, and see why it never "
        "learns the blank one.",
    ),
    PageSpec(
        "pages/6_cnn2d_flat.py",
        "6. CNN 2D fully connected",
        ":material/view_module:",
        "cnn2d_flat",
        "CNN 2D fully connected",
        "Flatten the feature maps instead of pooling them, and compare with the pooled model.",
    ),
    PageSpec(
        "pages/7_cnn2d_two_layers.py",
        "7. CNN 2D, 2 layers",
        ":material/layers:",
        "cnn2d_two_layers",
        "CNN 2D, 2 layers",
        "Stack two convolutions and look at both feature maps of any image.",
    ),
    PageSpec(
        "pages/8_cnn2d_downsampled.py",
        "8. CNN 2D down sampled",
        ":material/photo_size_select_small:",
        "cnn2d_downsampled",
        "CNN 2D down sampled",
        "Pool a grid window by window to shrink it, then train a CNN that pools before deciding.",
    ),
    PageSpec(
        "pages/9_conv_arithmetic.py",
        "9. Convolution arithmetic",
        ":material/calculate:",
        "conv_arithmetic",
        "Convolution arithmetic",
        "Output sizes for any padding, stride and dilation; transposed convolution two ways; "
        "the relationships of Dumoulin and Visin's guide, live.",
    ),
)

EXERCISES = PageSpec(
    "pages/exercises.py",
    "Exercises",
    ":material/task_alt:",
    "exercises",
    "Exercises",
    "Tasks on every section, checked by the app, with hints and worked answers.",
)

PAGES: tuple[PageSpec, ...] = (HOME, *SECTIONS, EXERCISES)


def section_path(page: str) -> str:
    """The file of the section page whose page id (``PAGE`` in the file) is ``page``."""
    for spec in SECTIONS:
        if spec.url_path.replace("_", "-") == page:
            return spec.path
    raise ValueError(f"no section page {page!r}")
