"""Slack plumbing: identifiers, the Web API client, the HTTP face, command parsing."""
