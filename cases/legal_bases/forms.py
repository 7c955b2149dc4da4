"""Forms of the bases pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentWithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("De toestemming is ingetrokken; beëindig de betrokkenheden die erop rusten"),
        error_messages={"required": _("Bevestig dat de toestemming is ingetrokken.")},
    )
