"""Clients of external services other than Slack (each optional, configured by settings)."""
