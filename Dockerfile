# cnndemo's app image: one Streamlit process, the README's server command, nothing else.
# Several of them go behind a sticky load balancer (docker-compose.yml, deploy/k8s/).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501

RUN useradd --create-home --uid 10001 app
WORKDIR /home/app/cnndemo

# The runtime list only (requirements.txt), in its own layer so code changes reuse it.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=app:app . .
USER 10001

EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['PORT'] + '/_stcore/health', timeout=4)"

# exec: Streamlit itself is PID 1 and gets the container's SIGTERM.
CMD ["sh", "-c", "exec python -m streamlit run streamlit_app.py --server.address 0.0.0.0 --server.port \"$PORT\" --server.headless true --browser.gatherUsageStats false --server.fileWatcherType none"]
