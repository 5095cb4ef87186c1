"""The booking decision a space manager reaches from the link in their email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from commons import selectors, services
from commons.forms import BookingDecisionForm


@login_required
@require_http_methods(["GET", "POST"])
def booking_review(request, pk):
    """Let a space's manager approve or decline a request, from the link in their email."""
    booking = get_object_or_404(
        selectors.bookings_decidable_by(request.user).select_related("space", "group"), pk=pk
    )
    form = BookingDecisionForm(request.POST or None)
    if form.is_valid():
        try:
            services.decide_booking(
                booking=booking,
                approve=form.cleaned_data["decision"] == "approve",
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your decision is saved and the group is told."))
            return redirect("commons:booking_review", pk=booking.pk)
    return render(request, "commons/booking_review.html", {"booking": booking, "form": form})
