"""Staff tasks: follow-ups for staff ("call this member"), made by journeys or by staff."""
