"""/termin: a case manager books for a person who phoned. Name -> phone -> language -> town ->
kind -> place -> channel (what that office allows) -> interpreter -> day -> time; `flow` asks,
`ask` shows the choices, `options` computes the places and free times, `book` books the
confirmed one."""
