"""Domain services: functions over a Session. They flush, never commit, and raise DomainError."""
