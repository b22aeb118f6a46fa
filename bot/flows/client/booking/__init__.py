"""Booking an appointment with a KIM case manager, and moving one: town -> day -> time ->
name -> interpreter -> confirm. Entry points: `flow.start` (/book, the menu), `flow.start_moving`
(another time); `render` draws the confirmation and its calendar file."""
