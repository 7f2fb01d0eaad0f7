"""从 Word 导入 in tests as a contributor does it: upload, the job read by the task backend
once the upload's transaction commits (django-tasks' immediate backend, tests/conftest.py),
then the job's page followed to the draft form — or to the reason it failed."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse


def import_word(client, name: str, data: bytes, **fields):
    """Post `data` as the file `name` to 从 Word 导入 and follow the job to where it ends.

    A refusal answered in the request itself (size, format, quota) is returned as it is."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("piece_import"), {"file": SimpleUploadedFile(name, data), **fields})
    if response.status_code != 302:
        return response
    return client.get(response["Location"], follow=True)


def draft_url(response) -> str:
    """The draft form's address (with its ?job=) the followed import ended on."""
    url = response.redirect_chain[-1][0]
    assert url.startswith(reverse("piece_create") + "?job="), url
    return url


def reread_struck(client, response, keep: list[str]):
    """Send the struck-through passages to keep from the draft form the import ended on, and
    follow the new reading back to the form."""
    job = draft_url(response).split("job=")[1]
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.post(reverse("piece_import_struck"), {"job": job, "keep": keep})
    return client.get(answer["Location"], follow=True)
