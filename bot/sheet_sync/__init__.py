"""sheet_sync"""
