"""The waiting list: "Tell me when a time becomes free" when no time (or none that suits) is
free; offers with a button when a cancellation or new working hours free one, where the first
press books. `flow` holds joining, leaving and taking an offer; `messages` the offers and the
end of the list that the scheduler sends (scheduler/waitlist.py)."""
