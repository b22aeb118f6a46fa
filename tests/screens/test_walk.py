"""The walk of `kimbot screens` without a browser: the real bots against the sandbox reach the
eight screens in order, walks that run at once book times of their own, and they book in the
order of their numbers (so the calendar files have the same names on every run)."""

from __future__ import annotations

import asyncio

from bot.app import SANDBOX_CLIENT_TOKEN, System
from bot.i18n import translator
from bot.sandbox import SimUser
from bot.screens.walk import SCREENS, BookingOrder, ClientWalk, Screen, buttons
from tests.support.sandbox import sandbox_settings


async def walk(system: System, language: str, number: int, order: BookingOrder
               ) -> list[Screen]:
    shown: list[Screen] = []

    async def shoot(screen: Screen) -> None:
        shown.append(screen)

    user = SimUser(500001 + number, "Amal", language)
    await ClientWalk(system.sandbox, SANDBOX_CLIENT_TOKEN, user, shoot, number, order).run()
    return shown


async def test_two_walks_at_once_reach_every_screen_and_book_times_of_their_own(sqlite_url, clock):
    async with System(sandbox_settings(sqlite_url), clock=clock, run_scheduler=False) as system:
        order = BookingOrder([0, 13])
        bulgarian, german = await asyncio.gather(walk(system, "bg", 13, order),
                                                 walk(system, "de", 0, order))

    for language, shown in (("bg", bulgarian), ("de", german)):
        tr = translator(language)
        assert [screen.name for screen in shown] == list(SCREENS)
        assert [screen.file_name for screen in shown][:2] == ["01-start.png", "02-privacy.png"]
        screens = {screen.name: screen.entries for screen in shown}
        assert tr._("Please check your appointment:") in screens["booking-check"][0]["text"]
        assert any(data.startswith("bok:") for data in buttons(screens["booking-check"][0]))
        assert "i_send" in buttons(screens["intake-summary"][0])
        assert tr._("Please check your answers:") in screens["intake-summary"][0]["text"]

    calendars = {language: next(entry["document"]["file_name"]
                                for screen in shown if screen.name == "confirmation"
                                for entry in screen.entries if entry.get("document"))
                 for language, shown in (("bg", bulgarian), ("de", german))}
    assert calendars == {"de": "kim-appointment-1.ics", "bg": "kim-appointment-2.ics"}
    times = {language: next(data for screen in shown if screen.name == "booking-check"
                            for data in buttons(screen.entries[0]) if data.startswith("bok:"))
             for language, shown in (("bg", bulgarian), ("de", german))}
    assert times["de"] != times["bg"]  # each walk books a time of its own


async def test_walks_book_in_the_order_of_their_numbers_whoever_comes_first():
    order = BookingOrder([0, 4, 13])
    booked: list[int] = []

    async def book(number: int) -> None:
        async with order.turn(number):
            booked.append(number)

    await asyncio.gather(book(13), book(4), book(0))
    assert booked == [0, 4, 13]


async def test_a_walk_that_stopped_before_booking_lets_the_next_one_book():
    order = BookingOrder([0, 4, 13])
    booked: list[int] = []

    async def book(number: int) -> None:
        async with order.turn(number):
            booked.append(number)

    async def stop(number: int) -> None:
        order.release(number)  # what take_screens does when a walk fails

    await asyncio.gather(book(13), stop(4), book(0))
    assert booked == [0, 13]
