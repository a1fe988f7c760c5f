"""records: HR records as HR needs them: who read what, an agent's whole record, retention."""
