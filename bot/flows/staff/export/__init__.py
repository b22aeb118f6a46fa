"""/export: a month's anonymous statistics as an XLSX or CSV file (`command`); `files` labels
the rows in German and writes the file (also used by `kimbot stats export`)."""
