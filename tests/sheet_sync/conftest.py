"""The sheet stand-in's fixtures (defined with the sync's main tests) for every test module here."""

from tests.sheet_sync.test_sheet_sync import key_json, sheets, sworld  # noqa: F401
