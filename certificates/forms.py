from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.enums import BatchFormat, CertificateKind, CertificateLanguage, Standing

REASON_MAX = 1000


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=CertificateLanguage.choices)


class IssueForm(forms.Form):
    email = forms.EmailField(label=_("The person's e-mail address"), max_length=254)
    kind = forms.ChoiceField(label=_("Kind"), choices=CertificateKind.choices)
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


class BatchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CertificateKind.choices)
    output_format = forms.ChoiceField(label=_("Format"), choices=BatchFormat.choices)
    only_missing = forms.BooleanField(label=_("Only people without a valid certificate of this kind"),
                                      required=False, initial=True)


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("all"))] + list(CertificateKind.choices),
                             required=False)
    standing = forms.ChoiceField(label=_("Standing"), choices=[("", _("all"))] + list(Standing.choices),
                                 required=False)
    q = forms.CharField(label=_("Name, e-mail or code"), max_length=100, required=False)
