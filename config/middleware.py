"""Request hygiene shared by every page and endpoint."""

from django.core.exceptions import BadRequest


class RejectNulBytesMiddleware:
    """A NUL byte is never valid input, and PostgreSQL refuses it in text columns (a 500 deep in a
    view otherwise): answer 400 before any view runs, for the path, the query and form fields."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for source in sources
            for key, values in source.lists()
        ):
            raise BadRequest("NUL byte in the request")
        return self.get_response(request)
