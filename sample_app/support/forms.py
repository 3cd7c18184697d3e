from django import forms

from . import utils


class TicketTriageForm(forms.Form):
    """Form used by the support desk to triage an incoming ticket."""

    status = forms.ChoiceField(choices=[("open", "Open"), ("waiting", "Waiting"), ("closed", "Closed")])
    priority = forms.TypedChoiceField(coerce=int, choices=list(utils.PRIORITY_LABELS.items()))
    subject = forms.CharField(max_length=200)
    resolution = forms.CharField(required=False, widget=forms.Textarea)

    def clean_subject(self):
        subject = utils.normalize_subject(self.cleaned_data["subject"])
        if not subject:
            raise forms.ValidationError("Subject cannot be empty.")
        return subject

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == "closed" and not cleaned.get("resolution", "").strip():
            self.add_error("resolution", "A resolution note is required to close a ticket.")
        if cleaned.get("priority") == 4 and cleaned.get("status") == "waiting":
            self.add_error("status", "Urgent tickets cannot be put on hold.")
        return cleaned
