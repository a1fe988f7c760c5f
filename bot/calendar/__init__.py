"""calendar"""
