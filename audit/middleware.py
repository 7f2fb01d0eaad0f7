"""Makes the current request's user and address known to audit.record() during the request,
so actions (which take an actor, never a request) still get the address into their rows;
and counts every refused request (403) in the audit log (audit.refusals)."""

from audit import refusals
from audit.context import request_context
from audit.records import Kind


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            response = self.get_response(request)
            if response.status_code == 403:
                refusals.note(request, kind=Kind.REQUEST_REFUSED)
            return response
