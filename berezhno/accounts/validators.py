"""ИНН and ОГРН of organisations: one rule (python-stdnum) for the model, the admin and the API.

The validators sit on the model fields, so the admin's model form and the API's model
serializer run the same check; data written straight through the ORM (demo, generator,
test world) takes its numbers from ``company_inn`` / ``company_ogrn``, which compute the
check digit instead of inventing one.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn


def validate_inn(value: str) -> None:
    """10 digits for an organisation, 12 for an individual entrepreneur, check digits right."""
    if not value:
        return
    if not value.isdigit() or not value.isascii():
        raise ValidationError(_("ИНН состоит только из цифр."), code="inn_format")
    try:
        stdnum_inn.validate(value)
    except InvalidLength as exc:
        raise ValidationError(
            _("ИНН состоит из 10 цифр (организация) или 12 цифр (индивидуальный "
              "предприниматель)."), code="inn_length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("ИНН неверен: не сходится контрольное число."),
                              code="inn_checksum") from exc
    except StdnumError as exc:
        raise ValidationError(_("ИНН неверен."), code="inn_invalid") from exc


def validate_ogrn(value: str) -> None:
    """13 digits (ОГРН) or 15 (ОГРНИП), the check digit right."""
    if not value:
        return
    if not value.isdigit() or not value.isascii():
        raise ValidationError(_("ОГРН состоит только из цифр."), code="ogrn_format")
    try:
        stdnum_ogrn.validate(value)
    except InvalidLength as exc:
        raise ValidationError(
            _("ОГРН состоит из 13 цифр (ОГРНИП индивидуального предпринимателя — из 15)."),
            code="ogrn_length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("ОГРН неверен: не сходится контрольное число."),
                              code="ogrn_checksum") from exc
    except (InvalidComponent, StdnumError) as exc:
        raise ValidationError(_("ОГРН неверен: первая цифра не соответствует виду записи."),
                              code="ogrn_invalid") from exc


def company_inn(first_nine: str) -> str:
    """The organisation's ИНН from its first nine digits, with the check digit computed."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("nine digits expected")
    return first_nine + stdnum_inn.calc_company_check_digit(first_nine)


def company_ogrn(first_twelve: str) -> str:
    """The organisation's ОГРН from its first twelve digits, with the check digit computed."""
    if len(first_twelve) != 12 or not first_twelve.isdigit() or first_twelve[0] == "0":
        raise ValueError("twelve digits not starting with 0 expected")
    return first_twelve + stdnum_ogrn.calc_check_digit(first_twelve + "0")


def validate_inn_ogrn_pair(inn: str, ogrn: str) -> None:
    """An organisation's 10-digit ИНН goes with a 13-digit ОГРН, an entrepreneur's 12-digit
    ИНН with a 15-digit ОГРНИП; a pair of the two kinds is a typing error."""
    if len(inn) in (10, 12) and len(ogrn) in (13, 15) and (len(inn) == 10) != (len(ogrn) == 13):
        raise ValidationError({"ogrn": _(
            "ОГРН не соответствует ИНН: у организации ИНН из 10 цифр и ОГРН из 13, у "
            "индивидуального предпринимателя ИНН из 12 цифр и ОГРНИП из 15.")},
            code="ogrn_mismatch")
