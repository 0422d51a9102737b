"""Pages that need the signed-in member's company (`members.selectors.user_company`) and
find none send the member to the dashboard with the reason, instead of an error page."""

from django.contrib import messages
from django.shortcuts import redirect

from .exceptions import NoCompany


class NoCompanyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, NoCompany):
            return None
        messages.error(request, str(exception.detail))
        return redirect("members:dashboard")
