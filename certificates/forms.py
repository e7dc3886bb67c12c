from django import forms
from django.utils.translation import gettext_lazy as _

from certificates import registry
from certificates.enums import BatchFormat, CertificateKind, CertificateLanguage, Standing
from certificates.models import PERIOD_MAX_LENGTH
from certificates.periods import Period, PeriodError

REASON_MAX = 1000


class PeriodField(forms.CharField):
    """Months as people write them, "2026-11" or "2026-09..2026-11" (at most twelve), to a ``Period``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PERIOD_MAX_LENGTH + 4)  # room for spaces around the ".."
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Months"))
        kwargs.setdefault("help_text", _("Service records only: a month, 2026-11, or up to twelve months, "
                                         "2026-09..2026-11."))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)  # the text's checks (its length) first
        if not text:
            return None
        try:
            return Period.parse(text)
        except PeriodError as error:
            raise forms.ValidationError(str(error), code="period") from error

    def prepare_value(self, value):
        return value.key if isinstance(value, Period) else value


class _PeriodOfKind:
    """A form with a kind and a period: the period is required exactly when the kind covers one."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and "period" not in self.errors:
            if registry.spec(kind).periodic:
                if cleaned.get("period") is None:
                    self.add_error("period", _("Give the months this certificate covers."))
            else:
                cleaned["period"] = None
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=CertificateLanguage.choices)
    period = PeriodField()


class IssueForm(_PeriodOfKind, forms.Form):
    email = forms.EmailField(label=_("The person's e-mail address"), max_length=254)
    kind = forms.ChoiceField(label=_("Kind"), choices=CertificateKind.choices)
    period = PeriodField()
    language = forms.ChoiceField(label=_("Language"), choices=[("", _("the person's own"))]
                                 + list(CertificateLanguage.choices), required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX,
                             help_text=_("Kept in the audit trail; the public page shows only that and when "
                                         "the certificate was revoked."))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the certificate is revoked."))
        return reason


class BatchForm(_PeriodOfKind, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CertificateKind.choices)
    period = PeriodField()
    output_format = forms.ChoiceField(label=_("Format"), choices=BatchFormat.choices)
    only_missing = forms.BooleanField(label=_("Only people without a valid certificate of this kind"),
                                      required=False, initial=True)


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("all"))] + list(CertificateKind.choices),
                             required=False)
    standing = forms.ChoiceField(label=_("Standing"), choices=[("", _("all"))] + list(Standing.choices),
                                 required=False)
    q = forms.CharField(label=_("Name, e-mail or code"), max_length=100, required=False)
