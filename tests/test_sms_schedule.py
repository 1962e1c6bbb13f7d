"""Issue #16 item 7: SMS send times spread over the window at ``[sms] rate_per_minute``."""

from __future__ import annotations

from collections.abc import Callable

from conftest import AS_OF, TEST_CONFIG_TABLE
from dunletters.batch.finish import sms_schedule
from dunletters.config import settings_from_mapping


def schedule(
    rate: int, start: str = "08:00", end: str = "21:00", per_day: int = 1
) -> Callable[[str], str | None]:
    sms = {
        "rate_per_minute": rate,
        "window_start": start,
        "window_end": end,
        "max_per_day": per_day,
    }
    settings = settings_from_mapping({**TEST_CONFIG_TABLE, "sms": sms}, "t")
    return sms_schedule(settings, AS_OF, None)


def test_send_times_fill_the_window_minute_by_minute() -> None:
    when = schedule(rate=2)
    times = [when(f"1380000{n:04d}") for n in range(5)]
    assert times == [
        "2026-11-28T08:00:00+08:00",
        "2026-11-28T08:00:00+08:00",
        "2026-11-28T08:01:00+08:00",
        "2026-11-28T08:01:00+08:00",
        "2026-11-28T08:02:00+08:00",
    ]


def test_a_full_day_passes_the_rest_to_the_next_and_stops_before_the_deadline() -> None:
    when = schedule(rate=1, start="20:58", end="21:00")  # two SMS a day
    times = [when(f"1380000{n:04d}") for n in range(12)]
    assert times[:4] == [
        "2026-11-28T20:58:00+08:00",
        "2026-11-28T20:59:00+08:00",
        "2026-11-29T20:58:00+08:00",
        "2026-11-29T20:59:00+08:00",
    ]
    # The policy's shortest pay-by period is 5 days: nothing on or after the fifth day.
    assert times[9] == "2026-12-02T20:59:00+08:00" and times[10:] == [None, None]


def test_one_debtor_still_gets_one_sms_a_day_when_days_fill_up() -> None:
    when = schedule(rate=1, start="20:59", end="21:00")  # one SMS a day
    assert when("13800000001") == "2026-11-28T20:59:00+08:00"
    assert when("13800000002") == "2026-11-29T20:59:00+08:00"  # day one is full
    assert when("13800000002") == "2026-11-30T20:59:00+08:00"  # and its debtor had one then
    assert when("13800000001") == "2026-12-01T20:59:00+08:00"


def test_the_default_keeps_a_small_batch_in_the_first_minute() -> None:
    settings = settings_from_mapping(TEST_CONFIG_TABLE, "t")
    assert settings.sms.rate_per_minute == 1000
    when = sms_schedule(settings, AS_OF, None)
    times = {when(f"1380000{n:04d}") for n in range(1000)}
    assert times == {"2026-11-28T08:00:00+08:00"}
    assert when("13900000000") == "2026-11-28T08:01:00+08:00"
