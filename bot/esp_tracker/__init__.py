"""esp_tracker"""
