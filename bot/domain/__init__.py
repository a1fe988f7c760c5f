"""Pure domain rules with no database or Slack: the day's times, the N-Number guard, cohort files."""
