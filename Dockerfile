# The public demo: the dashboard started by the same command as on a laptop (scripts/run.sh),
# as a non-root user, on port 8501, with Streamlit's health endpoint as the health check.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 1000 lab
# Where replicas behind HAProxy share their XLA compilation cache and saved default models (a volume in
# deploy/compose.yaml).
RUN mkdir /shared && chown lab:lab /shared
USER lab
WORKDIR /home/lab/app

# Dependencies first, so a change of code does not reinstall them.
COPY --chown=lab:lab requirements.txt ./
COPY --chown=lab:lab scripts/setup.sh scripts/
RUN scripts/setup.sh requirements.txt
COPY --chown=lab:lab . .

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
CMD ["scripts/run.sh", "--server.address", "0.0.0.0"]
