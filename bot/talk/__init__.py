"""Talk to KIM: what the person and their case manager write to each other, independent of the
flows. `templates` holds the answers staff can send in the person's language."""
