# qualitygates as a container: `docker run --rm -v "$PWD:/work" IMAGE run`.
# Built by .github/workflows/release.yml from the release's wheel (dist/ in the build
# context); CI lints this file with hadolint.
FROM python:3.12-slim

# git: --policy-ref and the coverage of changed lines read the repository's history.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git=1:2.* \
    && rm -rf /var/lib/apt/lists/*

COPY dist/*.whl /tmp/wheels/
RUN pip install --no-cache-dir /tmp/wheels/*.whl \
    && rm -rf /tmp/wheels

RUN useradd --create-home --uid 10001 qualitygates \
    && git config --system --add safe.directory /work
USER 10001
WORKDIR /work

ENTRYPOINT ["qualitygates"]
CMD ["run"]
