"""Size caps for everything a learner (or a link) can ask the app to compute.

Every number here is chosen so that the largest allowed request still reruns a page well under a
second on a small shared server: the engine is plain NumPy, tables are drawn cell by cell and
every heatmap cell carries a written number. Pages, widgets and the share-link codec all read
these constants, so raising a cap is a one-line change made in one place.
"""

from __future__ import annotations

# --- Editable tensors (tables the learner types into) -------------------------------------------
MAX_LENGTH = 32
"""Positions of a 1D sequence (rows of the sequence table)."""

MAX_HEIGHT = 16
"""Rows of an editable 2D grid (one table per channel)."""

MAX_WIDTH = 16
"""Columns of an editable 2D grid."""

MAX_CHANNELS = 6
"""Channels (vector size) of inputs and of kernel inputs/outputs."""

MAX_KERNEL = 7
"""Kernel extent along any axis (1D width, 2D height or width)."""

MAX_STRIDE = 8
"""Stride along any axis."""

MAX_DILATION = 4
"""Dilation (gap between kernel taps) along any axis."""

MAX_PADDING = 8
"""Explicit zero padding on each side (page 9's arithmetic); full padding of a 7-wide kernel is 6."""

MAX_ABS_VALUE = 1e6
"""Largest magnitude a table cell may hold; bigger numbers are almost always typos."""

MAX_TABLE_CELLS = 2048
"""Cells of one editable tensor in total (all its tables); keeps the editors responsive."""

MAX_ANNOTATED_CELLS = 900
"""Heatmaps with more cells than this are drawn without numbers written in the cells."""

# --- Image mode ---------------------------------------------------------------------------------
MAX_IMAGE_SIDE = 96
"""Pictures are shrunk so that neither side exceeds this many pixels before convolving."""

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
"""Largest accepted upload (also ``server.maxUploadSize`` = 2 MB in .streamlit/config.toml)."""

MAX_MESSAGE_BYTES = 2 * 1000 * 1000
"""Largest websocket message the server sends or accepts (``server.maxMessageSize`` = 2 MB in
.streamlit/config.toml). The largest the pages send, measured by benchmarks/worst_case.py, is
page 4's training animation at its largest sentence table: 0.36 MB."""

MAX_CLIENT_MESSAGE_BYTES = 1000 * 1000
"""Largest message a browser may send (``server.maxWidgetStateSize`` = 1 MB): a rerun request
carries every widget's value: 0.08 MB at most measured, 0.06 MB more for a tensor whose
2048 cells were all edited.
Larger messages close the connection; smaller hand-made edits meet the tables' own checks."""

MAX_UPLOAD_PIXELS = 16_000_000
"""Largest decoded picture (width x height) we agree to open; guards against decompression bombs."""

MAX_IMAGE_KERNEL = 9
"""Kernel extent in image mode (blur kernels are usefully a little wider than table kernels)."""

MAX_ANIMATION_STEPS = 128
"""Kernel stops one window animation holds (its frames are sent with the figure: 128 frames of a
16 x 16 grid with six channels in and out are about 0.8 MB, under the 2 MB message limit); a
larger output animates its first 128 outputs."""

# --- Training (sections 3-8) --------------------------------------------------------------------
MAX_BATCH = 64
"""Examples in one training set or batch."""

MAX_EPOCHS = 2000
"""Training epochs in one request: the tutorial's largest reference count (was 5000). Measured
by benchmarks/worst_case.py on the largest image set (32 images of 6 x 6, 4 + 4 channels):
5000 epochs cost 4-5 s CPU on pages 6-7 even with single-threaded BLAS; 2000 cost 1.6-1.9 s."""

MAX_RUN_EPOCHS = 10_000
"""Epochs one run may reach by Continue and Step (five Continues of the most epochs): its error
history and snapshots stay small."""

MAX_SWEEP_SEEDS = 40
"""Seeds one seed sweep trains (one training each): 20 take about 1-2 s on this machine."""

# --- Training hyper-parameters (sections 3-8): the controls, their links and loaded models ------
MIN_LEARNING_RATE = 1e-4
"""Smallest learning rate the training controls take."""

MAX_LEARNING_RATE = 10.0
"""Largest learning rate the training controls take (the tutorial uses 1)."""

MAX_MOMENTUM = 0.99
"""Largest momentum the training controls take (at 1 the accumulator would never forget)."""

MIN_INIT_SCALE = 1e-4
"""Smallest spread (standard deviation) of the first weights the training controls take."""

MAX_INIT_SCALE = 2.0
"""Largest spread of the first weights the training controls take (the tutorial uses 0.01)."""

MIN_TEXT_CHANNELS = 2
"""Fewest conv channels on the text pages (sections 3-4): their vector plots draw two."""

MAX_IMAGE_CHANNELS = 4
"""Conv channels of each layer of the image models (sections 5-7)."""

# --- Share links --------------------------------------------------------------------------------
MAX_URL_CHARS = 6000
"""Longest query string a share link may produce or that we agree to parse."""

MAX_PARAM_CHARS = 4000
"""Longest single query parameter value."""

MAX_NUMBER_CHARS = 24
"""Longest text of one number inside a link (``-1.2345678901234567e+05`` fits)."""

# --- Image sets (sections 5-8) ------------------------------------------------------------------
MAX_IMAGES = 32
"""Images in an editable training set: each is a dozen buttons, and reruns must stay fast."""

MAX_IMAGE_EDIT_SIDE = 6
"""Rows or columns of an image drawn on the pad (training images keep the tutorial's 3 x 3)."""

# --- Training pages 3-4 (text) and model files --------------------------------------------------
MAX_SEED = 100_000
"""Largest random seed offered by the training controls."""

MAX_MODEL_FILE_BYTES = 256 * 1024
"""Largest model file the "Load a model" box accepts (the tutorial's models are ~2 KB)."""

MAX_MODEL_FILE_INFLATED = 1024 * 1024
"""Most bytes an .npz model file may inflate to, all members together (checked in the zip's
directory, then while inflating): the largest model the pages allow holds 735 numbers (6 KB)."""

MAX_MODEL_FILE_MEMBERS = 16
"""Most arrays an .npz model file may list (the two-layer model has 6 weights and its metadata)."""

MAX_MODEL_FILE_DEPTH = 16
"""Deepest nesting of a JSON model file (a 2D kernel sits 6 levels deep), measured before parsing."""

MAX_VOCABULARY = 161
"""Words in a loaded text model's vocabulary: every token of 16 sentences of 10 words, and the padding word."""

LOAD_SECONDS = 1.0
"""Wall-clock time reading one uploaded file may take before it is refused (model files: the
.npz members are inflated in chunks and the clock is checked between them)."""

MAX_SENTENCES = 16
"""Rows of the editable sentence table (sections 3-4)."""

MAX_TOKENS = 10
"""Tokens per sentence (sections 3-4): the flattened model's dense layer grows with it."""

MAX_WORD_CHARS = 20
"""Characters per token; longer ones are almost always pasted text."""

MAX_EMBEDDING = 4
"""Embedding size (sections 3-4); the vector plots show two of the conv channels."""

# --- Server time ---------------------------------------------------------------------------------
SESSION_CPU_SHARE = 0.25
"""Share of one core a session's page runs may use on average once past its burst; beyond it
the session's next run waits (app/server.py: ``cpu_budget``). A learner never gets there: the
heaviest page run costs under 0.5 s of CPU (benchmarks/worst_case.py), and training chunks
(fragment runs, not counted here) take turns in the training slots."""

SESSION_CPU_BURST = 3.0
"""CPU seconds of page runs a session may spend at once before ``SESSION_CPU_SHARE`` applies."""

# --- Exact links and teacher links ----------------------------------------------------------------
MAX_ACTIONS = 20
"""Training actions (train, continue, step) a link replays to restore a trained model."""

MAX_REPLAY_EPOCHS = 4000
"""Epochs a link replays in all (two trainings of MAX_EPOCHS); a longer history is shared as weights."""

MAX_TASK_CHARS = 400
"""Characters of a teacher's task text in a teacher link (plain text, shown escaped)."""
