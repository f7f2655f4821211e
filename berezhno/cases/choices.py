"""Coded lists of support cases (442-ФЗ, 120-ФЗ, seed 004)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Practice(models.TextChoices):
    FAMILY_DISPATCH = "family_dispatch", _("Семейная диспетчерская")
    DISTRICT = "district", _("Участковая социальная служба")
    YARD = "yard", _("Дворовый социальный менеджмент")
    AGENT = "agent", _("Социальный агент")
    PATROL = "patrol", _("Социальный патруль")


class IntakeChannel(models.TextChoices):
    WALK_IN = "walk_in", _("личное обращение")
    PHONE = "phone", _("обращение по телефону")
    WRITTEN = "written", _("письменное или электронное заявление")
    SCHOOL = "school", _("направление из образовательной организации")
    POLICE = "police", _("направление из полиции")
    HEALTH = "health", _("направление из медицинской организации")
    EMPLOYMENT = "employment", _("направление из центра занятости")
    KDN = "kdn", _("направление КДН и ЗП")
    SIGNAL = "signal", _("сигнал о неблагополучии")
    AGENT = "agent", _("сообщение социального агента")
    OTHER = "other", _("иное")


# Channels that come from an organisation: the referring organisation is asked for.
REFERRAL_CHANNELS = {IntakeChannel.SCHOOL, IntakeChannel.POLICE, IntakeChannel.HEALTH,
                     IntakeChannel.EMPLOYMENT, IntakeChannel.KDN}


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("в обычном порядке")
    URGENT = "urgent", _("срочно")
    EMERGENCY = "emergency", _("угроза жизни или здоровью")


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("обращение: оценка и решение о нуждаемости")
    PLANNING = "planning", _("разработка программы")
    IN_PROGRESS = "in_progress", _("исполнение программы")
    REVIEW = "review", _("подведение итогов")
    CLOSED = "closed", _("закрыт")
    REFUSED = "refused", _("отказано / не нуждается")


ACTIVE_STATUSES = (CaseStatus.INTAKE, CaseStatus.PLANNING, CaseStatus.IN_PROGRESS,
                   CaseStatus.REVIEW)


class Decision(models.TextChoices):
    NONE = "", _("решение не принято")
    NEED_RECOGNISED = "recognised", _("признан нуждающимся")
    NEED_NOT_RECOGNISED = "not_recognised", _("не признан нуждающимся")


class NeedCircumstance(models.TextChoices):
    """Circumstances of 442-ФЗ ст. 15 that make a person need social service."""

    SELF_CARE_LOSS = "self_care_loss", _(
        "полная или частичная утрата способности к самообслуживанию, передвижению "
        "(болезнь, травма, возраст, инвалидность)")
    DISABLED_FAMILY_MEMBER = "disabled_family_member", _(
        "наличие в семье инвалида или инвалидов, нуждающихся в постоянном постороннем уходе")
    CHILD_ADAPTATION = "child_adaptation", _(
        "наличие ребёнка или детей, испытывающих трудности в социальной адаптации")
    NO_CARE_POSSIBLE = "no_care_possible", _(
        "отсутствие возможности обеспечения ухода за инвалидом, ребёнком, детьми")
    FAMILY_CONFLICT = "family_conflict", _(
        "внутрисемейный конфликт (наркотическая или алкогольная зависимость, игровая "
        "зависимость, психические расстройства, насилие в семье)")
    NO_RESIDENCE = "no_residence", _(
        "отсутствие определённого места жительства (в том числе у выпускников "
        "организаций для детей-сирот до 23 лет)")
    NO_WORK_NO_MEANS = "no_work_no_means", _("отсутствие работы и средств к существованию")
    OTHER = "other", _("иные обстоятельства, ухудшающие условия жизнедеятельности")


class ServiceType(models.TextChoices):
    """Types of social services (442-ФЗ ст. 20) and support measures for plan activities."""

    HOUSEHOLD = "household", _("социально-бытовые услуги")
    MEDICAL = "medical", _("социально-медицинские услуги")
    PSYCHOLOGICAL = "psychological", _("социально-психологические услуги")
    PEDAGOGICAL = "pedagogical", _("социально-педагогические услуги")
    LABOUR = "labour", _("социально-трудовые услуги")
    LEGAL = "legal", _("социально-правовые услуги")
    COMMUNICATIVE = "communicative", _(
        "услуги в целях повышения коммуникативного потенциала")
    URGENT = "urgent", _("срочные социальные услуги")
    SUPPORT = "support", _(
        "социальное сопровождение: содействие в получении медицинской, психологической, "
        "педагогической, юридической и иной помощи")
    SUPPORT_MEASURE = "support_measure", _("меры социальной поддержки (выплаты, пособия, "
                                           "социальный контракт)")


class ServiceForm(models.TextChoices):
    NONE = "", _("без социального обслуживания (только сопровождение)")
    AT_HOME = "at_home", _("на дому")
    SEMI_STATIONARY = "semi_stationary", _("полустационарная")
    STATIONARY = "stationary", _("стационарная")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("проект")
    APPROVED = "approved", _("утверждена, действует")
    SUPERSEDED = "superseded", _("заменена новой редакцией")
    CLOSED = "closed", _("завершена")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("запланировано")
    IN_PROGRESS = "in_progress", _("выполняется")
    DONE = "done", _("выполнено")
    NOT_DONE = "not_done", _("не выполнено")


FINISHED_ACTIVITY = (ActivityStatus.DONE, ActivityStatus.NOT_DONE)


class Outcome(models.TextChoices):
    RESOLVED_FULLY = "resolved_fully", _("проблема решена полностью")
    RESOLVED_PARTIALLY = "resolved_partially", _("проблема решена частично")
    NOT_RESOLVED = "not_resolved", _("проблема не решена")
    REFUSED = "refused", _("семья отказалась от сопровождения")
    MOVED_OUT = "moved_out", _("семья выбыла (переезд)")


# Outcomes a family may reach at any stage, not only after the plan is carried out.
EARLY_OUTCOMES = (Outcome.REFUSED, Outcome.MOVED_OUT)


class Improvement(models.TextChoices):
    """The family's own answer at closure: did its situation improve?"""

    YES = "yes", _("да, ситуация улучшилась")
    NO = "no", _("нет, не улучшилась")
    NOT_ASKED = "not_asked", _("не удалось опросить")


class ProblemSource(models.TextChoices):
    INTAKE = "intake", _("со слов заявителя при обращении")
    ASSESSMENT = "assessment", _("по результатам диагностики")
    SPECIALIST = "specialist", _("выявлена специалистом")
