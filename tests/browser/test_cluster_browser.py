"""The real app in Chromium through HAProxy and two replicas (``deploy.cluster``).

A learner loads a page, changes a widget, uploads a picture (Streamlit's XSRF check and the
session's replica both on the way) and trains; every response names one replica, and HAProxy's
log agrees. Then the replica serving a learner is killed: the page reconnects on its own to
the other replica and comes back as it was, from the setup the app keeps in the address bar.
"""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest

from benchmarks.cluster_learner import small_png
from deploy.cluster import local_cluster
from deploy.haproxy_config import LEARNER_HEADER, REPLICA_HEADER
from deploy.routing_log import read_requests, replicas_by_learner, websockets_by_replica
from devtools.live import CHROMIUM, launch_chromium, wait_for_rerun

pytestmark = pytest.mark.browser

if not os.environ.get("CI"):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed", allow_module_level=True)
    if shutil.which("haproxy") is None:
        pytest.skip("haproxy not installed", allow_module_level=True)
    sync_api = pytest.importorskip("playwright.sync_api")
else:
    import playwright.sync_api as sync_api

expect = sync_api.expect
STRIDE = '[data-testid="stSlider"] input[type="range"][aria-label="stride"]'


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


def learner_page(browser, cluster, label: str):
    """A tab whose every request carries ``label``; returns it and the replicas it was told."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, extra_http_headers={LEARNER_HEADER: label}
    )
    page = context.new_page()
    replicas: list[str] = []

    def note(response) -> None:
        name = response.headers.get(REPLICA_HEADER.lower())
        if response.url.startswith(cluster.url) and name:
            replicas.append(name)

    page.on("response", note)
    return context, page, replicas


def open_conv1d_with_stride_2(page, url: str):
    page.goto(f"{url}/conv1d", wait_until="domcontentloaded")
    wait_for_rerun(page)
    expect(page.get_by_text("2360").first).to_be_visible(timeout=30_000)
    stride = page.locator(STRIDE).first
    stride.focus()
    stride.press("ArrowRight")  # 1 -> 2
    wait_for_rerun(page)
    expect(stride).to_have_value("2")
    return stride


def served_by(log_path, label: str, websockets: int) -> list[str]:
    """The replicas HAProxy logged for ``label``, once its websockets have been logged."""
    deadline = time.monotonic() + 15
    while True:
        requests = [r for r in read_requests(log_path) if r.learner == label]
        if sum(websockets_by_replica(requests).values()) >= websockets:
            break
        assert time.monotonic() < deadline, f"{label}: websockets not logged"
        time.sleep(0.2)
    return replicas_by_learner(requests)[label]


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_load_change_upload_and_train_through_the_balancer_on_one_replica(browser):
    with local_cluster(2) as cluster:
        context, page, replicas = learner_page(browser, cluster, "chromium-journey")
        try:
            open_conv1d_with_stride_2(page, cluster.url)
            no_exception(page)

            page.goto(f"{cluster.url}/conv2d", wait_until="domcontentloaded")
            wait_for_rerun(page)
            page.get_by_role("tab", name="Pictures").click()
            wait_for_rerun(page)
            page.get_by_text("upload your own").click()
            wait_for_rerun(page)
            upload = {"name": "gradient.png", "mimeType": "image/png", "buffer": small_png()}
            page.locator('input[type="file"]').first.set_input_files(upload)
            wait_for_rerun(page)
            # The 12 x 8 picture, not the 64 x 64 built-in one: the upload reached the session.
            expect(page.get_by_text("8 × 12").first).to_be_visible(timeout=30_000)
            no_exception(page)

            page.goto(f"{cluster.url}/cnn1d_pooled", wait_until="domcontentloaded")
            wait_for_rerun(page)
            page.get_by_role("button", name=re.compile(r"Train$")).first.click()
            wait_for_rerun(page)
            expect(page.get_by_text(re.compile(r"Trained [0-9]+ epochs in")).first).to_be_visible(
                timeout=60_000
            )
            no_exception(page)
        finally:
            context.close()
        # Three page loads, each with its websocket: all on one replica, by both records.
        assert len(set(replicas)) == 1, replicas
        assert served_by(cluster.log_path, "chromium-journey", websockets=3) == replicas[:1]


def test_a_killed_replicas_learner_reconnects_and_gets_the_page_back(browser):
    with local_cluster(2) as cluster:
        context, page, replicas = learner_page(browser, cluster, "chromium-kill")
        try:
            open_conv1d_with_stride_2(page, cluster.url)
            home = replicas[0]
            cluster.kill(home)
            # Streamlit notices the closed websocket, then reconnects through HAProxy.
            page.wait_for_selector(
                '[data-testid="stApp"]:not([data-test-connection-state="CONNECTED"])',
                timeout=30_000,
            )
            wait_for_rerun(page, timeout=60_000)
            expect(page.locator(STRIDE).first).to_have_value("2", timeout=30_000)
            expect(page.get_by_text("2360").first).to_be_visible(timeout=30_000)
            no_exception(page)
        finally:
            context.close()
        other = next(r.name for r in cluster.replicas if r.name != home)
        assert served_by(cluster.log_path, "chromium-kill", websockets=2) == [home, other]
