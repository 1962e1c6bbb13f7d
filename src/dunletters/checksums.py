"""Check digits of the identifiers collection documents must never print in full.

Bank card numbers end in a Luhn digit (ISO/IEC 7812); mainland resident ID numbers
end in a GB 11643-1999 (ISO 7064 MOD 11-2) digit. The linter uses the checks to tell a
real card or ID number (DL605) from any long run of digits; the synthetic generator
uses them to make numbers that look real but belong to no one.
"""

from __future__ import annotations

__all__ = ["id_check_digit", "id_valid", "luhn_check_digit", "luhn_valid", "taiwan_id_valid"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_TAIWAN_AREA = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
"""A Taiwan ID's letter in the order of its code: A is 10, B 11 … O 35."""


def _luhn_sum(digits: str, *, double_first: bool) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if (index % 2 == 0) == double_first:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total


def luhn_check_digit(digits: str) -> str:
    """The Luhn digit that completes ``digits``.

    >>> luhn_check_digit("7992739871")
    '3'
    """
    return str((10 - _luhn_sum(digits, double_first=True) % 10) % 10)


def luhn_valid(digits: str) -> bool:
    """Whether a complete number passes the Luhn check.

    >>> luhn_valid("79927398713"), luhn_valid("79927398710")
    (True, False)
    """
    return digits.isdigit() and _luhn_sum(digits, double_first=False) % 10 == 0


def id_check_digit(body: str) -> str:
    """The check character (0–9 or X) of an 18-digit ID number's first 17 digits.

    >>> id_check_digit("11010119900307001")
    '1'
    """
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def id_valid(number: str) -> bool:
    """Whether an 18-character ID number has the right check character.

    >>> id_valid("110101199003070011"), id_valid("110101199003070012")
    (True, False)
    """
    return (
        len(number) == 18
        and number[:17].isdigit()
        and number[17].upper() == id_check_digit(number[:17])
    )


def taiwan_id_valid(number: str) -> bool:
    """Whether a Taiwan national ID or resident number (a letter, then 1, 2, 8 or 9,
    then 8 digits) has the right check digit.

    >>> taiwan_id_valid("A123456789"), taiwan_id_valid("A123456788")
    (True, False)
    """
    if len(number) != 10 or number[0] not in _TAIWAN_AREA or not number[1:].isdigit():
        return False
    code = _TAIWAN_AREA.index(number[0]) + 10
    digits = zip(number[1:], (8, 7, 6, 5, 4, 3, 2, 1, 1), strict=True)
    total = code // 10 + (code % 10) * 9 + sum(int(d) * w for d, w in digits)
    return number[1] in "1289" and total % 10 == 0
