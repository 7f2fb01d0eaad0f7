"""Makes the current request's user and address known to audit.record() during the request,
so actions (which take an actor, never a request) still get the address into their rows."""

from audit.context import request_context


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)
