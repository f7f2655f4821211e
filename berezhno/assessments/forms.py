"""Forms parse and present input; the services validate the workflow rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.cases.forms import CHECKS, DATE, text_field
from berezhno.core import dates

from .models import AnswerType

# --------------------------------------------------------------------------- assessment


def _answer_field(question) -> forms.Field:
    """The input of one question. Answers go to the service as typed: it checks required
    questions and types and keys its errors ``q<question id>`` like these fields."""
    common = {"label": question.text, "required": False, "help_text": question.help_text}
    choices = [(o.pk, o.label) for o in question.options.all()]
    if question.answer_type == AnswerType.SINGLE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect(
            attrs={"class": "checks"}), **common)
    if question.answer_type == AnswerType.MULTI:
        return forms.MultipleChoiceField(choices=choices, widget=CHECKS, **common)
    if question.answer_type == AnswerType.NUMBER:
        return forms.CharField(widget=forms.NumberInput(attrs={"step": "any", "min": "0"}),
                               **common)
    if question.answer_type == AnswerType.DATE:
        return forms.CharField(widget=DATE, **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)


class AssessmentForm(forms.Form):
    """A questionnaire run: a field ``q<question id>`` per question, shown by section."""

    conducted_on = forms.DateField(validators=[dates.EVENT],
                                   label=_("Дата проведения"), required=False, widget=DATE,
                                   help_text=_("Если не указать — сегодня."))
    conclusion = text_field(_("Заключение"), rows=4)

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questionnaire.questions.all())
        for question in self.questions:
            self.fields[f"q{question.pk}"] = _answer_field(question)

    def answers(self) -> dict:
        """{question id: the answer as typed}; the service treats blanks as no answer."""
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}

    def sections(self) -> list[tuple[str, list]]:
        """[(section, [(question, bound field)])] in the questionnaire's order."""
        groups: list[tuple[str, list]] = []
        for question in self.questions:
            item = (question, self[f"q{question.pk}"])
            if groups and groups[-1][0] == question.section:
                groups[-1][1].append(item)
            else:
                groups.append((question.section, [item]))
        return groups


