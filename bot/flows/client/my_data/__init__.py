"""The person's rights: see everything stored (`flow.show_my_data`, /mydata) and erase it at
once (`flow.ask_delete`, /delete)."""
