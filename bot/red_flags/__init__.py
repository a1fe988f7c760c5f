"""red_flags"""
