"""class_day"""
