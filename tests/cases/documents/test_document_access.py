"""Who reads which document: the class is decided in the query. Others on the case see that it exists
("dat, niet wat"); its page, versions and file answer 404 to them. Downloads go through the case's
door, are logged, and come as an attachment that is never sniffed or cached."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from cases.access_log.services import access_log_rows
from cases.documents.selectors import document_rows_of, documents_readable_by
from cases.documents.services import document_add
from cases.services import participant_add
from tests.cases.documents.conftest import PDF_BYTES, scanned, upload
from tests.cases.test_case_lists import DETAIL_QUERIES
from tests.world import basis

SECRET_MELDER = "Verslag melder Pietje Geheim"
SECRET_OWN = "Interne notitie CVC over Kim"
SHARED = "Veiligheidsplan gezin"


def _add(w, actor, title, confidentiality, kind="verslag", content=PDF_BYTES):
    document = document_add(
        actor=actor,
        case=w.case,
        kind=kind,
        title=title,
        document_date=date(2026, 5, 1),
        confidentiality=confidentiality,
        persons=[w.child],
        file=upload(content),
        filename="stuk.pdf",
    )
    return scanned(document)


@pytest.fixture
def dw(world, settings, tmp_path, login_verified):
    w = world
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    participant_add(
        actor=w.professional,
        case=w.case,
        organisation=w.gi,
        professional=w.gi_professional,
        role="jeugdbeschermer",
        **basis(),
    )
    w.melder_doc = _add(w, w.vt_professional, SECRET_MELDER, "melder", kind="melding")
    w.own_doc = _add(w, w.professional, SECRET_OWN, "eigen_organisatie")
    w.shared_doc = _add(w, w.professional, SHARED, "gedeeld", kind="veiligheidsplan")

    def client_for(user) -> Client:
        client = Client()
        login_verified(client, user)
        return client

    w.client_for = client_for
    return w


def _readable(user, w) -> set[str]:
    return set(documents_readable_by(user, w.case).values_list("title", flat=True))


def test_the_class_decides_who_reads_the_title_and_content(dw):
    assert _readable(dw.vt_professional, dw) == {SECRET_MELDER, SHARED}
    assert _readable(dw.professional, dw) == {SECRET_OWN, SHARED}
    assert _readable(dw.gi_professional, dw) == {SHARED}
    # The coordinator sees the case without working for the CVC on it: only what is shared.
    assert _readable(dw.coordinator, dw) == {SHARED}


def test_others_see_that_a_document_exists_who_when_and_which_organisation_never_what(dw):
    rows = {row.id: row for row in document_rows_of(dw.gi_professional, dw.case)}
    hidden = rows[dw.melder_doc.pk]
    assert (hidden.readable, hidden.title, hidden.persons, hidden.latest_version_id, hidden.document_date) == (
        False,
        None,
        None,
        None,
        None,
    )
    assert hidden.author_organisation == dw.vt.name and hidden.kind == "melding" and hidden.created_at
    assert rows[dw.shared_doc.pk].title == SHARED and rows[dw.shared_doc.pk].persons == "Kim Testman"


@pytest.mark.parametrize(
    ("reader", "document", "secret"),
    [
        ("professional", "melder_doc", SECRET_MELDER),  # a non-Veilig Thuis participant and a melder document
        ("gi_professional", "melder_doc", SECRET_MELDER),
        ("vt_professional", "own_doc", SECRET_OWN),  # another organisation and an eigen-organisatie document
        ("gi_professional", "own_doc", SECRET_OWN),
    ],
)
def test_a_reader_without_the_class_gets_dat_niet_wat_on_every_page_and_404_on_the_document(
    dw, reader, document, secret
):
    client = dw.client_for(getattr(dw, reader))
    case, doc = dw.case.pk, getattr(dw, document)
    version = doc.versions.get()
    for url in (f"/zaken/{case}/", f"/zaken/{case}/documenten/", f"/api/v1/cases/{case}/documents/"):
        response = client.get(url)
        assert response.status_code == 200
        assert secret.encode() not in response.content
        assert dw.vt.name.encode() in response.content  # which organisation: "dat"
    for url in (
        f"/zaken/{case}/documenten/{doc.pk}/",
        f"/zaken/{case}/documenten/{doc.pk}/versies/{version.pk}/downloaden/",
        f"/api/v1/cases/{case}/documents/{doc.pk}/",
        f"/api/v1/cases/{case}/documents/{doc.pk}/versions/",
        f"/api/v1/cases/{case}/documents/{doc.pk}/versions/{version.pk}/download/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/zaken/{case}/documenten/{doc.pk}/", {}).status_code == 404


@pytest.mark.parametrize(
    "prefix",
    [
        "/zaken/{case}/documenten/{doc}/versies/{version}/downloaden/",
        "/api/v1/cases/{case}/documents/{doc}/versions/{version}/download/",
    ],
)
def test_a_download_is_an_attachment_never_sniffed_or_cached_and_logged(dw, document_storage, prefix):
    # Added after document_storage switched the store: runs on disk and against the S3 server.
    doc = _add(dw, dw.vt_professional, "Melding VT", "melder", kind="melding")
    version = doc.versions.get()
    url = prefix.format(case=dw.case.pk, doc=doc.pk, version=version.pk)
    before = access_log_rows().order_by("-id").values_list("id", flat=True).first() or 0
    response = dw.client_for(dw.vt_professional).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="stuk.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/pdf"
    rows = list(access_log_rows().filter(id__gt=before))
    download = [row for row in rows if row.detail == f"document-download:{doc.pk}:{version.pk}"]
    assert len(download) == 1
    assert (download[0].user_id, download[0].case_id, download[0].outcome) == (
        dw.vt_professional.pk,
        dw.case.pk,
        "allowed",
    )


def test_a_version_still_being_scanned_cannot_be_downloaded(dw):
    waiting = document_add(
        actor=dw.professional,
        case=dw.case,
        kind="verslag",
        title="Nog niet gecontroleerd",
        document_date=date(2026, 5, 2),
        confidentiality="gedeeld",
        file=upload(),
        filename="nieuw.pdf",
    )
    version = waiting.versions.get()
    client = dw.client_for(dw.professional)
    url = f"/zaken/{dw.case.pk}/documenten/{waiting.pk}/versies/{version.pk}/downloaden/"
    assert client.get(url).status_code == 404
    assert "wordt gecontroleerd" in client.get(f"/zaken/{dw.case.pk}/documenten/").content.decode()


def test_the_upload_form_stores_a_document_and_refuses_a_bad_file_in_dutch(dw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = dw.client_for(dw.gi_professional)
    url = f"/zaken/{dw.case.pk}/documenten/nieuw/"
    form = {
        "kind": "verzoekschrift",
        "title": "Verzoekschrift OTS",
        "document_date": "2026-05-03",
        "confidentiality": "gedeeld",
    }
    refused = client.post(url, {**form, "file": SimpleUploadedFile("foto.png", PDF_BYTES, content_type="image/png")})
    assert refused.status_code == 400
    assert "past niet bij de inhoud" in refused.content.decode()
    accepted = client.post(
        url, {**form, "file": SimpleUploadedFile("verzoek.pdf", PDF_BYTES, content_type="application/pdf")}
    )
    assert accepted.status_code == 302
    assert dw.case.documents.filter(title="Verzoekschrift OTS", author_organisation=dw.gi).exists()


def test_the_api_adds_a_document_and_refuses_a_bad_file_with_a_400(dw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = dw.client_for(dw.gi_professional)
    url = f"/api/v1/cases/{dw.case.pk}/documents/"
    form = {
        "kind": "verslag",
        "title": "Verslag GI",
        "document_date": "2026-05-03",
        "confidentiality": "eigen_organisatie",
    }
    refused = client.post(
        url, {**form, "file": SimpleUploadedFile("x.pdf", b"MZ\x00\x01binary", content_type="application/pdf")}
    )
    assert refused.status_code == 400
    assert "niet worden toegevoegd" in refused.json()["file"][0]
    created = client.post(url, {**form, "file": SimpleUploadedFile("verslag.txt", b"Tekst\n")})
    assert created.status_code == 201, created.content
    assert created.json()["confidentiality"] == "eigen_organisatie"


def _page_queries(dw, django_assert_num_queries, budget_case, budget_list):
    for user in (dw.vt_professional, dw.professional, dw.gi_professional):
        client = dw.client_for(user)
        client.get(f"/zaken/{dw.case.pk}/")  # warm the session
        with django_assert_num_queries(budget_case):
            assert client.get(f"/zaken/{dw.case.pk}/").status_code == 200
        with django_assert_num_queries(budget_list):
            assert client.get(f"/zaken/{dw.case.pk}/documenten/").status_code == 200


# The site's 5 (session, user, second factor, memberships, notifications badge), the door's 2 (the case, the
# actor's participation for the log row) and the documents' 1 (the rows with their class decided in the
# query, and the names of the readable ones' readable persons as one column). The case page adds the same 1.
DOCUMENT_LIST_QUERIES = 8


def test_the_document_pages_query_counts_are_pinned_and_do_not_grow_with_documents(dw, django_assert_num_queries):
    _page_queries(dw, django_assert_num_queries, DETAIL_QUERIES, DOCUMENT_LIST_QUERIES)
    for n in range(5):
        _add(dw, dw.vt_professional, f"Extra {n}", ["gedeeld", "melder", "eigen_organisatie"][n % 3])
    _page_queries(dw, django_assert_num_queries, DETAIL_QUERIES, DOCUMENT_LIST_QUERIES)


def test_a_new_version_on_the_page_keeps_the_old_one_and_only_the_author_organisation_adds_it(dw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/zaken/{dw.case.pk}/documenten/{dw.shared_doc.pk}/"
    new = SimpleUploadedFile("plan-v2.pdf", PDF_BYTES + b"% v2\n")
    refused = dw.client_for(dw.gi_professional).post(url, {"file": new})
    assert refused.status_code == 400
    assert "Alleen de organisatie die het document toevoegde" in refused.content.decode()
    new.seek(0)
    assert dw.client_for(dw.professional).post(url, {"file": new}).status_code == 302
    assert list(dw.shared_doc.versions.order_by("number").values_list("number", "original_name")) == [
        (1, "stuk.pdf"),
        (2, "plan-v2.pdf"),
    ]
    page = dw.client_for(dw.gi_professional).get(url).content.decode()
    assert "stuk.pdf" in page and "plan-v2.pdf" in page
