"""First contact: language, privacy notice, consent (`flow.ask_language`, /language,
/privacy), and /start with a payload - a referral's invitation or a flyer's town link
(`invitation.start`, `invitation.answer`)."""
