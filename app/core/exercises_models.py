"""The built-in exercises of the training pages (sections 3-8).

Their checks read the trained run of the page's setup (``app.core.page_outcomes``): its
predictions and error (menu checks, ``app.core.checks``), which bigram won each channel's
pooling (``app.core.sentences.winners``, the engine's tie rule), its verdicts
(``cnndemo.diagnose.verdicts``).
"""

from __future__ import annotations

import numpy as np

from app.core.checks import Check, CheckResult
from app.core.exercises import Exercise, locked_except, menu
from app.core.image_analysis import display_name
from app.core.page_outcomes import Outcome
from app.core.sentences import winners
from cnndemo import data as data_mod
from cnndemo.diagnose import verdicts

SENTENCE = 2
"""The sentence of the bigram question: "i don't hate it" (numbered from 0)."""


def deciding_bigram(run, index: int) -> str | None:
    """The bigram that decides sentence ``index`` of a max- or min-pooled text run: of the
    bigrams that won a channel's pooling, the one whose pooled number moves the logit most
    (dense weight × pooled value). None for average pooling (no single winner)."""
    hp = run.model.hyperparameters
    if hp["pool"] == "avg":
        return None
    found = winners(
        run.final.feature_maps[0][index], run.data.names[index].split(), hp["kernel_size"],
        hp["pool"], hp["conv_stride"], hp["padding"],
    )  # fmt: skip
    weights = run.model.named_parameters()["dense.weights"][:, 0]
    pushes = np.abs(weights * np.array([value for _, value in found]))
    return found[int(np.argmax(pushes))][0]


def _bigram_check(outcome: Outcome, response: str | None) -> CheckResult:
    decider = deciding_bigram(outcome.run, SENTENCE)
    if decider is None:
        return CheckResult(False, "With average pooling no single bigram decides: use max.")
    if response == decider:
        return CheckResult(
            True, "Right: it wins the pooling of the channel whose dense weight counts most."
        )
    return CheckResult(
        False, "Not that one: look at the table of winning bigrams and at which channel the "
        "dense layer weighs most."
    )  # fmt: skip


def _wrong_image_check(outcome: Outcome, response: str | None) -> CheckResult:
    run = outcome.run
    names = [display_name(name) for name in run.data.names]
    if response not in names:
        return CheckResult(False, "That image is not in the training set.")
    index = names.index(response)
    verdict = verdicts(run.final.probabilities, run.data.targets)[index]
    if verdict == "right":
        return CheckResult(False, f"The model gets image #{index} right.")
    p = float(run.final.probabilities[index])
    return CheckResult(
        True, f"Right: image #{index} gets P(label 1) = {p:.3f}, on the wrong side of 0.5. All "
        "its 2x2 regions are blank, and max pooling keeps the blank region's vector, which the "
        "lines along an edge share."
    )  # fmt: skip


SHARE_OF_LINES = "the share of lines among the images, 6 of 16"
RELU_OPTIONS = (
    SHARE_OF_LINES,
    "ln 2 / 2, half the error of a coin toss",
    "a number drawn from the seed",
    "the learning rate times the momentum",
)


def _dead_relu_check(outcome: Outcome, response: str | None) -> CheckResult:
    run = outcome.run
    share = float(np.mean(run.data.targets))
    if not np.allclose(run.final.probabilities, share, atol=1e-3):
        return CheckResult(False, "The model no longer answers the same for every image.")
    if response != SHARE_OF_LINES:
        return CheckResult(False, "Not that. Count the images of each label.")
    return CheckResult(
        True, f"Right: every ReLU outputs 0, so only the dense bias is left; the best single "
        f"answer for all images is the share of label 1, {share:.3f}."
    )  # fmt: skip


_ALL_RIGHT = menu(Check("all_right"))
_TRAINING = ("lr", "mom", "opt", "init")
"""The optimiser's settings: hidden in the seed tasks, where only the seed matters."""
_AVG_SENTENCES = ("i don't", "don't hate", "hate it")
_IMAGE_NAMES = tuple(display_name(data_mod.image_name(image)) for image in data_mod.IMAGES)
_BLANK = 6

MODEL_EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "cnn1d-avg-learns", "cnn1d-pooled", None, "Average pooling can learn",
        "With average pooling the model stays at error 0.693 (ln 2): every answer is 0.5. "
        "Keep average pooling and the sentences, and make it learn all four sentences.",
        {"pool": "avg"}, _ALL_RIGHT,
        ("Averaging tiny first weights gives almost the same vector for every sentence.",
         "Start from larger random weights (init scale), or let Adam size the steps."),
        {"init": 0.5},
        "With init scale 0.5 the bigram vectors start far enough apart for the average to "
        "differ between sentences, and training takes off.",
        locked=("pool", "t", "y"),
    ),
    Exercise(
        "cnn1d-which-bigram", "cnn1d-pooled", None, "Which bigram decides?",
        "Train the tutorial's model (max pooling). Which bigram decides the answer for the "
        "sentence “i don't hate it”?",
        {}, _bigram_check,
        ("The table “Which bigram decided?” shows, per channel, the bigram max pooling kept.",
         "The dense layer weighs each channel: the larger weight × value decides."),
        {}, "“don't hate” wins both channels; the channel with the large positive weight pushes "
        "the answer to 1.",
        locked=("t", "y", "pool"), options=_AVG_SENTENCES, response="don't hate",
    ),
    Exercise(
        "cnn1d-min-seed", "cnn1d-pooled", None, "ALL needs luck",
        "With min pooling (ALL bigrams must fire) and seed 0 two sentences stay at 0.5. Find "
        "a seed where min pooling learns all four sentences.",
        {"pool": "min"}, _ALL_RIGHT,
        ("Only the seed may change.", "Try the seeds 1, 2, 3 … in turn."),
        {"seed": 2}, "Seed 2 starts from weights where every sentence's weakest bigram differs.",
        locked=locked_except("cnn1d-pooled", "seed", *_TRAINING), hidden=_TRAINING,
    ),
    Exercise(
        "cnn1d-flat-fast", "cnn1d-flat", None, "Learn in 100 epochs",
        "In 100 epochs the flattened model has not started to learn (error 0.693). Get the "
        "error below 0.01 in 100 epochs.",
        {"ep": 100}, menu(Check("loss_below", value=0.01)),
        ("Momentum needs a few hundred epochs to leave the plateau at ln 2.",
         "Adam adapts each weight's step: try it with learning rate 0.05."),
        {"opt": "adam", "lr": 0.05},
        "Adam with learning rate 0.05 reaches an error of about 0.008 in 100 epochs.",
        locked=("ep", "t", "y"),
    ),
    Exercise(
        "cnn1d-flat-sgd", "cnn1d-flat", None, "Plain gradient descent",
        "Without momentum the flattened model never leaves 0.5. Keep plain gradient descent "
        "and 1000 epochs, and make it learn all four sentences.",
        {"opt": "sgd"}, _ALL_RIGHT,
        ("The gradients of tiny weights are tiny: without momentum the steps stay tiny.",
         "Either take bigger steps (learning rate) or start from bigger weights (init scale)."),
        {"init": 0.5},
        "Starting from init scale 0.5 the gradients are large enough for plain steps.",
        locked=("opt", "ep", "t", "y"),
    ),
    Exercise(
        "cnn2d-pooled-blank", "cnn2d-pooled", None, "Learn the blank image",
        "Max pooling never learns the blank image. Change only the pooling so that the model "
        "learns all sixteen images.",
        {}, _ALL_RIGHT,
        ("Max pooling asks: is some region flagged? The blank image's only region is 0000.",
         "A pooling that counts how much of the image is flagged can tell blank from line."),
        {"pool": "avg"},
        "Average pooling sees how many regions hold ink, so the blank image differs from every "
        "line.",
        locked=locked_except("cnn2d-pooled", "pool"),
    ),
    Exercise(
        "cnn2d-pooled-wrong", "cnn2d-pooled", None, "Which image is wrong?",
        "Train the tutorial's pooled model. Which image does it get wrong?",
        {}, _wrong_image_check,
        ("The thumbnails frame the wrong ones after training.",),
        {}, "The blank image: max pooling gives it the blank region's vector, which every "
        "line along an edge also contains.",
        locked=("img", "lab", "pool"), options=_IMAGE_NAMES, response=_IMAGE_NAMES[_BLANK],
    ),
    Exercise(
        "cnn2d-flat-seed-blank", "cnn2d-flat", None, "A seed for the blank image",
        "With seed 0 the flattened model calls the blank image a line. Find a seed where it "
        "learns the blank image.",
        {}, menu(Check("example_right", example=_BLANK)),
        ("Only the seed may change: it picks the first weights.", "Try seed 1."),
        {"seed": 1}, "From seed 1's first weights the dense layer learns to read the blank "
        "image's positions apart from the lines'.",
        locked=locked_except("cnn2d-flat", "seed", *_TRAINING), hidden=_TRAINING,
    ),
    Exercise(
        "cnn2d-flat-tanh", "cnn2d-flat", None, "Error below 0.001",
        "Keep seed 0 and the images: bring the flattened model's error below 0.001.",
        {}, menu(Check("loss_below", value=0.001)),
        ("The sigmoid squeezes every region's value into (0, 1).",
         "Try another activation."),
        {"act": "tanh"}, "tanh is centred on 0: blank regions give 0, and the dense layer "
        "separates every image (error about 0.0002).",
        locked=("seed", "img", "lab", "ep"),
    ),
    Exercise(
        "cnn2d-two-layers-all", "cnn2d-two-layers", None, "Two layers, all sixteen",
        "Keep seed 0: make the two-layer model learn all sixteen images.",
        {}, _ALL_RIGHT,
        ("The blank image is the one it misses.", "Try another activation."),
        {"act": "tanh"}, "With tanh both layers give blank regions 0, and the blank image "
        "stands apart.",
        locked=("seed", "img", "lab"),
    ),
    Exercise(
        "cnn2d-two-layers-relu", "cnn2d-two-layers", None, "Dead ReLUs",
        "With ReLU the two-layer model answers 0.375 for every image. What is 0.375?",
        {"act": "relu"}, _dead_relu_check,
        ("Look at the feature maps: every ReLU outputs 0.",
         "Then only the dense layer's bias is left: one answer for every image."),
        {}, "6 of the 16 images are lines: 6 / 16 = 0.375 is the best single answer.",
        locked=("act", "img", "lab"), options=RELU_OPTIONS, response=SHARE_OF_LINES,
    ),
    Exercise(
        "downsampled-learns", "cnn2d-downsampled", "model", "Down-sample and learn",
        "The down-sampled model misses the blank image. Change only its pooling kind so that "
        "it learns all sixteen images.",
        {}, _ALL_RIGHT,
        ("The 2x2 pool covers the whole 2x2 feature map: it acts like section 5's pooling.",),
        {"pool": "avg"}, "Average pooling counts the inked regions: the blank image stands apart.",
        locked=locked_except("cnn2d-downsampled", "pool"),
    ),
)  # fmt: skip
"""Sections 3-8's training parts."""
