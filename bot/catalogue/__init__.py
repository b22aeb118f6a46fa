"""The offer catalogue: offices and services, their hours, and how a question finds them."""
