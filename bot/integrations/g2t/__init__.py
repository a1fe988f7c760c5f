"""GoTo Training: a small typed REST client (client.py) and GoTo's OAuth 2 token endpoint (oauth.py).

Both are plain HTTP and know nothing of the database: token storage is bot/services/g2t_tokens.py."""
