"""The German names of staff roles, for the staff bot and the summaries it shows."""

ROLE_LABELS = {
    "admin": "Administration",
    "coordination": "Koordination",
    "case_manager": "Case Management",
    "volunteer": "Ehrenamt",
    "partner": "Partnerdienst",
}
