"""A local stand-in for Slack: a Web API that records calls, and a driver that sends signed
requests to the bot. Used by the tests and by `training-day demo`; needs no Slack account."""
