import datetime as dt

import pytest

from syria_news_ar.dates import find_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أعلنت الإدارة، اليوم الثلاثاء 3 كانون الأول 2024، تحرير مدن", dt.date(2024, 12, 3)),
        ("خاضت الفصائل يوم الاثنين 2/ كانون الأول 2024، معارك", dt.date(2024, 12, 2)),
        ("مساء يوم السبت 30 تشرين الثاني 2024", dt.date(2024, 11, 30)),
        ("الأربعاء 27 نوفمبر 2024", dt.date(2024, 11, 27)),
        ("في ١ ديسمبر ٢٠٢٤ أعلن", dt.date(2024, 12, 1)),
        ("الخميس 28 تشرين الثاني عام 2024", dt.date(2024, 11, 28)),
        ("بتاريخ 3/12/2024 صدر", dt.date(2024, 12, 3)),
        ("في 5 آب 2023 ثم في 6 أيلول 2024", dt.date(2023, 8, 5)),
    ],
)
def test_finds_the_first_complete_date(text: str, expected: dt.date) -> None:
    assert find_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "اليوم الأحد 1 كانون الأول",  # no year: not guessed
        "قتل 25 مدنياً بينهم 14 طفلاً",
        "31 شباط 2024",  # impossible date
        "منذ ثمانينيات القرن الماضي",
        "",
    ],
)
def test_no_date(text: str) -> None:
    assert find_date(text) is None
