"""Clients of outside services the bot talks to besides Slack, each optional and set up by settings."""
