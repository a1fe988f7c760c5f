"""What everything shares: the clock, the domain errors, time formatting."""
