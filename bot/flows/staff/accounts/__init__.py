"""Staff accounts: /einladen, /deaktivieren and /aktivieren for coordination and admin
(`manage`), and registering with an invitation code (`registration`)."""
