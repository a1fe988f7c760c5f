from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class G2TConnection(Base):
    """The one GoTo Training account the bot acts as. Secrets are Fernet tokens (G2T_TOKEN_KEY),
    never plain text: a copy of the database alone cannot act as the organizer."""

    __tablename__ = "g2t_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_key_enc: Mapped[str] = mapped_column(Text)
    refresh_token_enc: Mapped[str] = mapped_column(Text)
    access_token_enc: Mapped[str | None] = mapped_column(Text)
    access_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    account_email: Mapped[str | None] = mapped_column(String(320))
    account_name: Mapped[str | None] = mapped_column(String(200))
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
