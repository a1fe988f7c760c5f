"""Authorization: who may do what to whom (policy.py)."""
