"""/zeiten: a case manager sees and changes their weekly bookable hours per place, in German
("Mo-Fr 09:00-12:00; Di 14:00-16:00"), and adds a first workplace. `flow` holds the steps;
the text is read by bot/appointments/hours_de.py."""
