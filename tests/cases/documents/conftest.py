"""Document storage for the tests: a temporary folder on disk, and a real S3-speaking server (moto's
standalone server, a subprocess on loopback) for the production path."""

from __future__ import annotations

import socket
import subprocess  # noqa: S404 - the test starts its own S3 server
import sys
import time
import uuid
from io import BytesIO

import pytest

from cases.documents.scan import document_version_scan

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """moto's S3 server on a free loopback port for the whole session; stopped afterwards."""
    port = _free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("moto's S3 server did not start")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)
    log.close()


def s3_settings(endpoint: str, bucket: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "access_key": "testing",
            "secret_key": "testing",
            "region_name": "us-east-1",
            "default_acl": None,
            "file_overwrite": False,
            "addressing_style": "path",
        },
    }


@pytest.fixture(params=["filesystem", "s3"])
def document_storage(request, settings, tmp_path):
    """Each test that asks for it runs on disk and against the real S3 server (a bucket of its own)."""
    storages = dict(settings.STORAGES)
    if request.param == "filesystem":
        storages["documents"] = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        }
    else:
        import boto3

        endpoint = request.getfixturevalue("moto_server")
        bucket = f"vt-documents-{uuid.uuid4().hex[:12]}"
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        ).create_bucket(Bucket=bucket)
        storages["documents"] = s3_settings(endpoint, bucket)
    settings.STORAGES = storages
    return request.param


def upload(content: bytes = PDF_BYTES) -> BytesIO:
    return BytesIO(content)


def scanned(document):
    """Run the scanner over every waiting version (the unit tests never commit, so no task runs)."""
    for version in document.versions.all():
        document_version_scan(version_id=version.pk)
    return document
