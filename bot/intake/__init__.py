"""The intake: what a person answers before the first interview, as codes with their labels
(codes), the German summary for staff (summary_de) and the hints it carries (hints)."""
