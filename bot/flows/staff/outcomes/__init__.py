"""The question after each appointment - attended, missed or moved - (`question`, written by
the scheduler) and its answers (`answers`), which may count a Kurzberatung or open a case."""
