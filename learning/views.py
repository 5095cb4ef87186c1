"""The progress tracker: what learners, guardians and tutors see and record."""
