"""Dates an article gives for itself ("اليوم الثلاثاء 3 كانون الأول 2024"), Levantine and standard months."""
from __future__ import annotations

import datetime as dt
import re

MONTHS: dict[str, int] = {
    # Levantine (Syriac-derived) names
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10,
    "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
    # standard (Egyptian / Gulf) names
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5,
    "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9,
    "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
}
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_MONTH_ALT = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
# day, optional "/" (as in "2/ كانون الأول"), month name, optional "عام/سنة", four-digit year
_NAMED = re.compile(rf"(?<!\d)(\d{{1,2}})\s*/?\s*(?:من\s+)?({_MONTH_ALT})(?:\s*[،,])?\s+(?:(?:عام|سنة)\s+)?(\d{{4}})(?!\d)")
_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def find_date(text: str) -> dt.date | None:
    """First complete calendar date in the text (day, month, year), or None.

    A day and month without a year is not completed by guessing: the lead must state it.
    """
    t = text.translate(_DIGITS)
    candidates: list[tuple[int, dt.date]] = []
    m = _NAMED.search(t)
    if m:
        try:
            candidates.append((m.start(), dt.date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))))
        except ValueError:
            pass
    m = _NUMERIC.search(t)
    if m:
        try:
            candidates.append((m.start(), dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))))
        except ValueError:
            pass
    return min(candidates)[1] if candidates else None
