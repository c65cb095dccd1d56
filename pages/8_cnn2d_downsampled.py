"""Section 8: down-sampling a grid by pooling, then the down-sampled CNN trained live."""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import image_figures as imf
from app import image_widgets as iw
from app import ledger, limits, widgets
from app import pooling_figures as pf
from app import training_figures as tf
from app import training_panel as tp
from app.chart_spec import SpecFigure, spec_of
from app.entry import reroute_deep_link
from app.share import ChoiceField, IntField, Schema, TensorField
from cnndemo import data as data_mod
from cnndemo import ops
from cnndemo.models import build_model, default_hyperparameters

reroute_deep_link()

PAGE = "cnn2d-downsampled"
TITLE = "CNN 2D down sampled"
KEY_TEXT = "Pooling shrinks a grid"

# The tutorial's worked example (SECTIONS.md, section 8): a 4 x 4 grid of 3-vectors. Three
# vectors of the top-left group are built so that each holds the maximum of a different channel:
# 2 x 2 max pooling with stride 2 gives (16, 17, 18) (22, 23, 24) / (40, 41, 42) (46, 47, 48).
X_DEFAULT = np.array(
    [
        [[1, 17, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]],
        [[13, 14, 18], [16, 2, 15], [19, 20, 21], [22, 23, 24]],
        [[25, 26, 27], [28, 29, 30], [31, 32, 33], [34, 35, 36]],
        [[37, 38, 39], [40, 41, 42], [43, 44, 45], [46, 47, 48]],
    ],
    dtype=np.float64,
)
X = widgets.TensorSpec(
    "p8.x", "grid", "Input grid x (one table per channel)", ("p8.h", "p8.w", "p8.c")
)
POOL_KEYS = {"ky": "p8.ky", "kx": "p8.kx", "sy": "p8.s.sy", "sx": "p8.s.sx"}

# Part 2: the down-sampled CNN. The training panel's widgets live under "p8m.tp."; the model's
# pooling window and stride are this page's own inputs (the panel's controls are one number
# each, the engine takes [rows, columns]).
MODEL = "p8m"
IMAGES = "p8.img"
SECTION = 8
MODEL_POOL_KEYS = {"pool_size": ("p8m.py", "p8m.px"), "pool_stride": ("p8m.sy", "p8m.sx")}
MAX_MODEL_POOL = limits.MAX_IMAGE_EDIT_SIDE
KEPT_KEYS = (
    *(f"p8.{name}" for name in ("h", "w", "c", "ky", "kx", "kind", "p", "pos.0", "pos.1")),
    "p8.s.sy", "p8.s.sx", "p8.x.preset", "p8.x.seed",
    *(tp.hp_key(MODEL, name) for name in (*tp.COMMON, "pool")),
    *MODEL_POOL_KEYS["pool_size"], *MODEL_POOL_KEYS["pool_stride"],
    f"{MODEL}.tp.watch", f"{MODEL}.tp.log", "p8.edit",
)  # fmt: skip
POOL_LINK = {"mpy": "p8m.py", "mpx": "p8m.px", "msy": "p8m.sy", "msx": "p8m.sx"}
EXTRA_LINK = {"pool": "pool"}
# One link for both parts: the worked example's grid and pooling, then the training page's
# fields (images, common hyper-parameters; shared with sections 5-7) and the model's pooling.
_MODEL_SCHEMA = iw.image_page_schema(
    (
        ChoiceField("pool", widgets.POOL_KINDS),
        *(IntField(field, 1, MAX_MODEL_POOL) for field in POOL_LINK),
    ),
    pad=False,
)
SCHEMA = Schema(
    (
        TensorField("x", (limits.MAX_HEIGHT, limits.MAX_WIDTH, limits.MAX_CHANNELS)),
        IntField("ky", 1, limits.MAX_KERNEL),
        IntField("kx", 1, limits.MAX_KERNEL),
        IntField("sy", 1, limits.MAX_STRIDE),
        IntField("sx", 1, limits.MAX_STRIDE),
        ChoiceField("k", widgets.POOL_KINDS),
        ChoiceField("p", ("valid", "same")),
        *_MODEL_SCHEMA.fields,
    ),
    check=_MODEL_SCHEMA.check,
)


def _apply_link(state: dict) -> None:
    widgets.set_tensor(X, state["x"])
    for field, key in POOL_KEYS.items():
        st.session_state[key] = state[field]
    st.session_state["p8.kind"] = state["k"]
    st.session_state["p8.p"] = state["p"]
    iw.set_image_set(IMAGES, iw.set_from_link(state["img"], state["lab"]))
    tp.set_hyperparameters(MODEL, iw.link_hyperparameters(state, EXTRA_LINK))
    for field, key in POOL_LINK.items():
        st.session_state[key] = state[field]


def _sync_loaded_model() -> None:
    """A loaded model file sets the panel's controls itself; its pooling window and stride go
    into this page's inputs here, once, before they render."""
    run = tp.current_run(MODEL)
    if run is None or run.source != "loaded" or st.session_state.get("p8m.synced") is run:
        return
    st.session_state["p8m.synced"] = run
    for name, keys in MODEL_POOL_KEYS.items():
        for key, value in zip(keys, run.hyperparameters[name], strict=True):
            st.session_state[key] = min(max(int(value), 1), MAX_MODEL_POOL)


@st.cache_data(max_entries=32, show_spinner=False)
def _explain(
    grid: np.ndarray, size: tuple[int, int], stride: tuple[int, int], kind: str, padding: str
) -> pf.PoolResult:
    return pf.explain_pool(grid, size, stride, kind, padding)


@st.cache_data(max_entries=64, show_spinner=False)
def _figure_specs(
    grid: np.ndarray,
    size: tuple[int, int],
    stride: tuple[int, int],
    kind: str,
    padding: str,
    selected: tuple[int, int],
) -> tuple[dict, dict]:
    """Both pooling figures as plain JSON. Building them is the slowest part of a rerun; a
    cached spec is drawn through a ``SpecFigure`` without rebuilding or copying it."""
    result = pf.explain_pool(grid, size, stride, kind, padding)
    grid_figure = pf.pool_input_figure(
        result, title="Input grid, pooling windows coloured", selected=selected
    )
    pooled_figure = pf.pool_output_figure(
        result, title="Pooled grid (cell colour = its window)", selected=selected
    )
    return spec_of(grid_figure), spec_of(pooled_figure)


def _padding_note(n: int, k: int, s: int, padding: str, axis: str) -> str:
    if padding != "same":
        return ""
    before, after = ops.padding_amounts(n, k, s, padding)
    if before + after == 0:
        return f"{axis}: SAME needs no padding here."
    return (
        f"{axis}: SAME adds {before} padding cell(s) before and {after} after; a pooling window "
        "never picks them for max or min and leaves them out of a mean."
    )


def _selected_cell(result: pf.PoolResult) -> None:
    """Step through the output cells; each one's window, winners and sums written out."""
    out_h, out_w = result.out_shape
    row, col = widgets.window_stepper("p8.pos", (out_h, out_w), ("output row", "output column"))
    channels = result.grid.shape[2]
    vector = pf.cell_vector(result.output, row, col)
    lines = [f"**Output cell ({row}, {col})** = `{vector}`, one number per channel:"]
    for c in range(channels):
        line = f"- channel {c}: `{pf.pool_sentence(result, row, col, c)}`"
        if result.kind != "avg":
            r, cc = result.winners[row, col, c]
            line += (
                f", {pf.winner_note(result, row, col, c)}, the vector "
                f"`{pf.cell_vector(result.grid, r, cc)}`"
            )
        lines.append(line)
    st.markdown("\n".join(lines))
    if result.kind != "avg" and channels > 1:
        sources = {tuple(result.winners[row, col, c]) for c in range(channels)}
        if len(sources) > 1:
            st.info(
                f"The {pf.KIND_WORDS[result.kind]} is taken **channel by channel**, so this "
                f"output vector mixes numbers from {len(sources)} different input cells (circled "
                "in the panels below). It is not the 'largest vector' of the window."
            )
        else:
            st.caption("Here one input cell wins in every channel, so the output is its vector.")
    elif result.kind == "avg":
        st.caption("A mean pools every channel the same way: the sum of the window over its size.")
    grid_spec, pooled_spec = _figure_specs(
        result.grid, result.size, result.stride, result.kind, result.padding, (row, col)
    )
    st.plotly_chart(SpecFigure(grid_spec), key="p8.fig.x")
    left, right = st.columns([3, 2])
    left.plotly_chart(SpecFigure(pooled_spec), key="p8.fig.y")
    with right:
        st.markdown(
            "Each output cell has the colour of the window it pools, and says where its value "
            "came from: the input **row,column** of the winning cell for max and min, or "
            "**mean of n** cells."
        )
        if result.overlapping:
            st.markdown(
                "The windows **overlap** (stride smaller than the window), so some cells are read "
                "by several windows: each window is a coloured outline, and only the selected "
                "window is filled."
            )
        dropped = int((result.coverage() == 0).sum())
        if dropped:
            st.markdown(
                f"**{dropped} input cell(s)** lie in no window (white, grey numbers): VALID keeps "
                "only whole windows, so the leftover rows or columns are dropped."
            )


def grid_part() -> dict:
    st.markdown(
        "A pooling layer cuts each channel of a grid into small **windows** (groups of cells) "
        "and replaces each window by one number: its **max**, **min** or **mean**. With 2×2 "
        "windows side by side (stride 2) the grid keeps a quarter of its cells. Networks do this "
        "after a convolution stage to make the grid smaller and the features coarser."
    )
    cols = st.columns(3)
    with cols[0]:
        h = widgets.size_input("p8.h", "grid height (rows)", 1, limits.MAX_HEIGHT)
    with cols[1]:
        w = widgets.size_input("p8.w", "grid width (columns)", 1, limits.MAX_WIDTH)
    with cols[2]:
        widgets.size_input("p8.c", "channels (vector size)", 1, limits.MAX_CHANNELS)
    cols = st.columns(4)
    with cols[0]:
        ky = widgets.size_input("p8.ky", "window height", 1, limits.MAX_KERNEL, 2)
    with cols[1]:
        kx = widgets.size_input("p8.kx", "window width", 1, limits.MAX_KERNEL, 2)
    with cols[2]:
        sy = widgets.stride_input("p8.s.sy", "stride y (rows)", 2)
    with cols[3]:
        sx = widgets.stride_input("p8.s.sx", "stride x (columns)", 2)
    cols = st.columns(2)
    with cols[0]:
        kind = widgets.pool_kind_input("p8.kind")
    with cols[1]:
        padding = widgets.padding_input("p8.p")

    x = widgets.tensor_editor(X, tutorial=X_DEFAULT).value
    state = {"x": x, "ky": ky, "kx": kx, "sy": sy, "sx": sx, "k": kind, "p": padding}

    st.subheader("Result")
    try:
        result = _explain(x, (ky, kx), (sy, sx), kind, padding)
    except ValueError as error:
        st.error(f"The pooling cannot run with these settings: {error}.")
        result = None
    if result is not None:
        out_h, out_w = result.out_shape
        st.markdown(
            f"Pooled grid, shape `(1, {out_h}, {out_w}, {x.shape[2]})`, rows separated by /:"
        )
        st.markdown(f"### `{pf.output_text(result.output)}`")
        metrics = st.columns(3)
        metrics[0].metric("input cells per channel", f"{h * w}")
        metrics[1].metric("output cells per channel", f"{out_h * out_w}")
        metrics[2].metric("kept", f"{out_h * out_w / (h * w):.0%}")
    st.markdown("**Output size**, each axis on its own (the same rule as a convolution)")
    formulas = [
        ledger.output_size_latex(h, ky, sy, padding, axis="rows"),
        ledger.output_size_latex(w, kx, sx, padding, axis="cols"),
    ]
    for formula in formulas:
        st.latex(formula)
    notes = [n for n in (_padding_note(h, ky, sy, padding, "Rows"),
                         _padding_note(w, kx, sx, padding, "Columns")) if n]  # fmt: skip
    if notes:
        st.caption(" ".join(notes))

    if result is not None:
        st.subheader("Where each pooled number comes from")
        st.fragment(_selected_cell)(result)

    widgets.show_ledger(pf.pool2d_ledger(h, w, x.shape[2], (ky, kx), (sy, sx), kind, padding))
    return state


def _model_pool_inputs() -> tuple[list[int], list[int]]:
    cols = st.columns(4)
    labels = ("pool window height", "pool window width", "pool stride y", "pool stride x")
    keys = (*MODEL_POOL_KEYS["pool_size"], *MODEL_POOL_KEYS["pool_stride"])
    values = []
    for col, key, label in zip(cols, keys, labels, strict=True):
        with col:
            values.append(widgets.size_input(key, label, 1, MAX_MODEL_POOL, 2))
    return values[:2], values[2:]


def _explain_run(run: tp.TrainingRun) -> None:
    """What the model learned, in words: which images it cannot separate, and why."""
    data, final = run.data, run.final
    groups = pf.confusable_groups(final.example_vectors, data.targets)
    names = data.names
    blank = next((i for i, name in enumerate(names) if "#" not in name), None)
    lines = []
    if blank is not None:
        vector = ", ".join(f"{v:.3f}" for v in final.example_vectors[blank])
        lines.append(
            f"The **blank image** (label 0) gets P(line) = **{final.probabilities[blank]:.3f}**. "
            f"All its regions are blank (`0000`), so its pooled vector ({vector}) is just the "
            "blank region's vector."
        )
    for group in groups:
        shown = ", ".join(
            f"`{imf.display_name(names[i])}` ({int(data.targets[i])})" for i in group.indices
        )
        lines.append(
            f"These {len(group.indices)} images reach the dense layer with almost the same "
            f"pooled vector: {shown}. The dense layer must answer them alike, so the best it can "
            f"do is the share of lines among them, **{group.best:.2f}**; their predictions are "
            + ", ".join(f"{final.probabilities[i]:.3f}" for i in group.indices)
            + "."
        )
    if not groups:
        lines.append(
            "No two images with different labels share a pooled vector here, so nothing stops "
            "the dense layer from separating them all."
        )
    st.markdown("\n\n".join(lines))
    hp = run.hyperparameters
    one_cell = final.example_vectors.shape[1] == final.feature_maps[0].shape[3]
    if groups and hp["pool"] == "max" and one_cell:
        conv_h, conv_w = final.feature_maps[0].shape[1:3]
        st.markdown(
            f"Why: the convolution looks at {conv_h}x{conv_w} positions, and the pool window "
            "covers them all, so pooling keeps, per channel, the **largest** response of the "
            "image's regions, exactly like the global max of section 5. A line along an edge "
            "also contains blank regions (`0000`); where a channel scores the blank region "
            "higher than the line's own regions, the max picks the blank one, and the line "
            "looks like the blank image to the dense layer. The table shows which region won "
            "each channel of each image."
        )


def _results(run: tp.TrainingRun) -> None:
    data, final = run.data, run.final
    epochs = [s.epoch for s in run.snapshots]
    st.plotly_chart(
        run.figure(
            "bars",
            lambda: tf.probability_bars(
                [imf.display_name(name) for name in data.names],
                final.probabilities,
                data.targets,
                epochs=epochs,
                history=[s.probabilities for s in run.snapshots],
                title="P(line) per image",
            ),  # fmt: skip
        ),
        key="p8m.fig.bars",
    )
    pooled_2d = final.example_vectors.shape[1] == 2
    st.plotly_chart(
        run.figure(
            "vectors",
            lambda: imf.region_vectors_animation(
                epochs,
                [s.window_vectors for s in run.snapshots],
                [s.example_vectors for s in run.snapshots] if pooled_2d else None,
                data.names,
                data.targets,
            ),
        ),
        key="p8m.fig.vectors",
    )
    st.caption(
        "◆ every distinct 2x2 region, labelled by its pixels row by row (1 = ink), at the "
        "2-vector the convolution and sigmoid give it. "
        + (
            "● each image at its pooled vector, what the dense layer sees (blue: label 1, "
            "vermilion: label 0). "
            if pooled_2d
            else "The pooled grids have more than one cell here, so images are not drawn. "
        )
        + "Press ▶ play to watch training move them."
    )
    st.subheader("What the model learned")
    _explain_run(run)
    rows = []
    hp = run.hyperparameters
    for i, name in enumerate(data.names):
        sources = pf.pooled_sources(data.inputs[i, :, :, 0], final.feature_maps[0][i], hp)
        rows.append(
            {
                "image": imf.display_name(name),
                "label": int(data.targets[i]),
                "P(line)": round(float(final.probabilities[i]), 4),
                "right?": "✓" if (final.probabilities[i] > 0.5) == (data.targets[i] > 0.5)
                else "✗ wrong",
                "pooled vector": "(" + ", ".join(f"{v:.3f}" for v in final.example_vectors[i])
                + ")",
                **{
                    f"channel {ch} from": "; ".join(cell[ch] for cell in sources)
                    for ch in range(len(sources[0]))
                },
            }
        )  # fmt: skip
    # Tall enough for every row: the table is the page's written record of the run.
    st.dataframe(rows, hide_index=True, key="p8m.table", height=35 * (len(rows) + 1) + 3)
    with st.expander("Region vectors after training (conv + sigmoid of each 2x2 region)"):
        st.markdown(
            "\n".join(
                f"- `{bits}`: (" + ", ".join(f"{v:.4f}" for v in vector) + ")"
                for bits, vector in final.window_vectors.items()
            )
        )


def _model_link_state(image_set: iw.ImageSet, hp: dict) -> dict:
    state = iw.image_page_state(image_set, hp, EXTRA_LINK)
    sizes = (*hp["pool_size"], *hp["pool_stride"])
    return state | {field: int(v) for field, v in zip(POOL_LINK, sizes, strict=True)}


def model_link_state() -> dict:
    """Part 2's share-link values while its tab is closed (nothing of it rendered)."""
    state = st.session_state
    hp = default_hyperparameters(SECTION)
    for name in (*tp.COMMON, "pool"):
        hp[name] = state.get(tp.hp_key(MODEL, name), hp[name])
    for name, keys in MODEL_POOL_KEYS.items():
        hp[name] = [int(state.get(key, 2)) for key in keys]
    return _model_link_state(iw.image_set(IMAGES), hp)


def grid_link_state() -> dict:
    """Part 1's share-link values while its tab is closed."""
    state = st.session_state
    values = {field: int(state.get(key, 2)) for field, key in POOL_KEYS.items()}
    return {
        "x": widgets.tensor_value(X),
        **values,
        "k": state.get("p8.kind", "max"),
        "p": state.get("p8.p", "valid"),
    }


def _keep_widget_values() -> None:
    """Only the open tab runs, and Streamlit forgets the values of widgets that did not render;
    writing each value back as plain session state keeps it (Streamlit's documented way to
    interrupt the widget clean-up). Buttons, tables and uploads are not values to keep."""
    state = st.session_state
    for key in KEPT_KEYS:
        if key in state:
            state[key] = state[key]


def model_part() -> dict:
    st.markdown(
        "The tutorial's model for 3x3 images: a 2x2 convolution with 2 output channels and a "
        "sigmoid gives a 2x2 grid of 2-vectors; **max pooling with 2x2 windows and stride 2** "
        "shrinks it to one 2-vector (1x1); that is flattened into a dense layer whose sigmoid "
        "is P(line). It learns from the 16 images below: the 6 full rows and columns are lines "
        "(label 1), the other 10 are not (label 0)."
    )
    # Three short lines rather than one nested formula: it stays readable on a phone.
    st.latex(
        r"\begin{aligned}"
        r"h_{r,s,c} &= \sigma\Big(\textstyle\sum_{i,j} x_{r+i,\,s+j}\, K_{i,j,c} + b_c\Big)\\"
        r"v_c &= \max_{(r,s)\,\in\,\text{window}} h_{r,s,c}\\"
        r"p &= \sigma\Big(\textstyle\sum_c w_c\, v_c + b\Big)"
        r"\end{aligned}"
    )
    st.caption(
        "h: the conv output after the sigmoid (2x2 positions r, s; channels c); v: the pooled "
        "vector (the tutorial's 2x2 window with stride 2 covers all four positions, so there "
        "is one); p: the probability of a line. Min and mean pooling replace the max."
    )
    image_set = iw.image_set(IMAGES)
    data = data_mod.image_data(image_set.images, image_set.labels)
    st.subheader("The images")
    images_box = st.container()  # filled once the training panel says whether its run is current

    st.subheader("Hyper-parameters")
    extras = (tp.choice("pool", "pooling", widgets.POOL_KINDS, help="max = ANY, min = ALL"),)
    hp = tp.hyperparameter_controls(MODEL, SECTION, extras)
    pool_size, pool_stride = _model_pool_inputs()
    hp["pool_size"], hp["pool_stride"] = pool_size, pool_stride
    try:
        build_model(SECTION, input_size=image_set.size, **hp)
    except ValueError as error:
        st.error(
            f"This model cannot take {image_set.size[0]}x{image_set.size[1]} images: {error}. "
            "Pick a smaller pooling window or stride."
        )
        usable = None
    else:
        usable = data
    widgets.show_ledger(pf.downsampled_model_ledger(len(image_set), image_set.size, hp))

    run = tp.training_panel(MODEL, SECTION, usable, hp, heading="Train the down-sampled CNN")
    with images_box:
        fresh = run is not None and not run.stale
        iw.image_set_section(
            IMAGES,
            probabilities=run.final.probabilities if fresh else None,
            figure_key="p8m.fig.images",
            edit_key="p8.edit",
        )
    if run is not None:
        _results(run)
    with st.expander("Save or load the model"):
        tp.model_files(MODEL, SECTION, usable, controlled=(*tp.COMMON, "pool"))
    return _model_link_state(image_set, hp)


_keep_widget_values()
widgets.init_tensor(X, X_DEFAULT)
iw.init_image_set(IMAGES)
widgets.restore_from_link(PAGE, SCHEMA, _apply_link)
_sync_loaded_model()

st.title(TITLE)
widgets.link_warning(PAGE)
st.markdown(
    f"**{KEY_TEXT}** by summarising each small window of it in one number. This section shows "
    "down-sampling on a grid of vectors, then trains the tutorial's small CNN that pools its "
    "feature map down to a single vector before deciding."
)
st.latex(
    r"y_{r,c,m} \;=\; \max_{0 \le i < k_h,\; 0 \le j < k_w}\; x_{\,r s_y + i,\; c s_x + j,\; m}"
)
st.caption(
    "r, c: output row and column, m: channel (each channel is pooled on its own), k_h, k_w: "
    "window size, s_y, s_x: strides. Min pooling takes the minimum; average pooling the mean."
)
# Only the open tab runs (on_change="rerun"): each part alone keeps reruns fast.
grid_tab, model_tab = st.tabs(
    ["Down-sampling a grid", "Train the down-sampled CNN"], key="p8.tab", on_change="rerun"
)
with grid_tab:
    share_state = grid_part() if grid_tab.open else grid_link_state()
with model_tab:
    share_state |= model_part() if model_tab.open else model_link_state()
widgets.share_link(SCHEMA, share_state)
