"""/termin: a case manager books for a person who phoned. Name -> phone -> language -> town ->
kind -> channel -> interpreter -> day -> time; `flow` asks, `ask` shows the choices, `options`
computes the free times, `book` books the confirmed one."""
