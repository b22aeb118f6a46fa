"""The person's booked appointments: "My appointments" with cancel and another time
(`mine.show`, /appointments), and the one-tap answers to a reminder (`reminders.will_come`)."""
