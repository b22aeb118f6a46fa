"""A case manager's own appointments: /heute and /morgen (`agenda`), the buttons on one
appointment (`actions`), /abwesend for absences (`absence`); `lines` formats one appointment."""
