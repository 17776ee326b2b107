"""Request hygiene and security headers shared by every page and endpoint."""

from django.conf import settings
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


class RequestOriginMiddleware:
    """Absolute links made while serving a request (e-mails sent in it, QR codes rendered in it)
    follow the address it came to, when WASL_BASE_URL does not fix one (associations.links)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from associations.links import serving_origin

        # get_host() is checked against ALLOWED_HOSTS (CommonMiddleware, before this, refused others).
        with serving_origin(f"{request.scheme}://{request.get_host()}"):
            return self.get_response(request)


def _csp_header(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def _permissions_header(features: dict[str, list[str]]) -> str:
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy (SECURE_CSP) and Permissions-Policy (WASL_PERMISSIONS_POLICY) on every
    response. Django 5.2 has neither; this is the few lines the project needs (no nonces: no inline
    script exists), and SECURE_CSP has the shape Django 6's own CSP middleware reads.

    A response that already carries a policy keeps it: a page needing an exception sets its own.
    PDFs get none: browsers show them in a built-in viewer inside the document the policy would
    govern, and a strict policy can leave that viewer blank; a PDF runs none of our scripts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if settings.SECURE_CSP and content_type != "application/pdf":
            response.setdefault("Content-Security-Policy", _csp_header(settings.SECURE_CSP))
        if settings.WASL_PERMISSIONS_POLICY:
            response.setdefault("Permissions-Policy", _permissions_header(settings.WASL_PERMISSIONS_POLICY))
        return response
