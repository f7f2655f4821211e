"""Normalisation of names, СНИЛС and phones used for storage and search."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D")


def normalize_name(value: str) -> str:
    """Lower case, ё → е, single spaces: the form names are compared and searched in."""
    return _SPACES.sub(" ", (value or "").strip().lower().replace("ё", "е"))


def clean_name_part(value: str) -> str:
    """Tidy a name part as typed: trim, single spaces, capital first letters of each part."""
    value = _SPACES.sub(" ", (value or "").strip())
    return "-".join(p[:1].upper() + p[1:] for p in value.split("-")) if value else ""


def snils_checksum(digits9: str) -> int:
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits9))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    total %= 101
    return 0 if total in (100, 101) else total


# What a СНИЛС may be typed with besides the ASCII digits: spaces (a non-breaking one from a
# pasted document too) and dashes (the hyphen and the dashes a word processor puts instead).
_SNILS_SEPARATORS = frozenset(" \u00a0\t-\u2010\u2011\u2012\u2013\u2014\u2212")
_ASCII_DIGITS = frozenset("0123456789")


def snils_digits(value: str) -> str:
    """The ASCII digits of a typed СНИЛС, or ValidationError in Russian.

    Only the digits 0–9, spaces and dashes are accepted: a letter is refused, not dropped
    («12З-456…» with a Cyrillic «З» is a typo to fix, not a number to guess), and so is a
    digit of another script (Arabic-Indic «٣», full-width «３»), which ``str.isdigit`` and
    ``\\d`` would take for a digit and store as is.
    """
    for char in (value or "").strip():
        if char in _ASCII_DIGITS or char in _SNILS_SEPARATORS:
            continue
        if char.isdigit() or char.isdecimal() or char.isnumeric():
            raise ValidationError(
                _("СНИЛС вводится цифрами 0–9; «%(char)s» — цифра другой письменности или "
                  "начертания. Наберите номер в русской или латинской раскладке.")
                % {"char": char},
                code="invalid")
        raise ValidationError(
            _("В СНИЛС допустимы только цифры 0–9, пробелы и дефисы; «%(char)s» не "
              "подходит.") % {"char": char}, code="invalid")
    return "".join(c for c in value or "" if c in _ASCII_DIGITS)


def normalize_snils(value: str) -> str:
    """Return 11 digits of a valid СНИЛС or raise ValidationError in Russian.

    The one validator of a typed СНИЛС: the services, forms, API serializers, filters and
    searches all call it (or ``snils_digits`` / ``looks_like_snils``).
    """
    digits = snils_digits(value)
    if len(digits) != 11:
        raise ValidationError(_("СНИЛС должен содержать 11 цифр."), code="invalid")
    number, control = digits[:9], int(digits[9:])
    # The checksum is defined for numbers above 001-001-998.
    if int(number) > 1001998 and snils_checksum(number) != control:
        raise ValidationError(
            _("СНИЛС указан с ошибкой: не сходится контрольное число."), code="invalid"
        )
    return digits


def format_snils(digits: str) -> str:
    if not digits or len(digits) != 11:
        return digits or ""
    return f"{digits[0:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:11]}"


def looks_like_snils(value: str) -> bool:
    """Whether a search term is written as a СНИЛС (ASCII digits, the usual separators)."""
    stripped = (value or "").strip()
    return bool(re.fullmatch(r"[0-9]{3}-?[0-9]{3}-?[0-9]{3}[ -]?[0-9]{2}", stripped))


def normalize_phone(value: str) -> str:
    """Return the phone in E.164 (+7…) or raise ValidationError in Russian."""
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = _NON_DIGITS.sub("", raw)
    if len(digits) == 11 and digits[0] == "8" and not raw.startswith("+"):
        raw = "+7" + digits[1:]
    elif len(digits) == 10 and not raw.startswith("+"):
        raw = "+7" + digits
    try:
        parsed = phonenumbers.parse(raw, "RU")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Телефон указан неверно."), code="invalid") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("Телефон указан неверно: проверьте код и количество цифр."), code="invalid"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, "RU")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def looks_like_phone(value: str) -> bool:
    stripped = (value or "").strip()
    digits = _NON_DIGITS.sub("", stripped)
    return bool(re.fullmatch(r"[+\d()\s-]+", stripped)) and 10 <= len(digits) <= 12 and (
        stripped.startswith(("+", "8", "7", "9", "("))
    )
