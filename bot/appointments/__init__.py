"""Appointments with a KIM case manager: free slots, booking, cancelling and rescheduling."""
