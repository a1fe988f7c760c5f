"""Configuration: the process settings and the team's playbook."""
