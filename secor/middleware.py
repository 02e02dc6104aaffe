"""Site-wide response headers that depend on who is asking."""


class PrivateNoStoreMiddleware:
    """Pages and exports for a signed-in user are never kept by a browser or proxy.

    A shared computer's back button, a corporate proxy or a browser cache must not
    show one person's employer file, roster or CSV export to the next person. The
    header replaces whatever a view set (nothing signed-in may be ``public``).
    Anonymous pages (sign-in, the landing page) keep their defaults; static files
    never get here (WhiteNoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response
