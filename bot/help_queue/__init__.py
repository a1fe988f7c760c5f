"""help_queue"""
