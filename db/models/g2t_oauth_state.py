from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime

# What became of a sign-in the bot started.
CONNECTED = "connected"  # a first connection, or the same organizer again
AWAITING_CONFIRMATION = "awaiting_confirmation"  # another organizer: the admin must confirm
REPLACED = "replaced"  # confirmed: the other organizer replaced the connection
KEPT = "kept"  # declined: the connection stayed as it was
FAILED = "failed"  # GoTo refused the code


class G2TOAuthState(Base):
    """A sign-in `training-day g2t connect` started: the `state` GoTo hands back on the callback.

    Used once: the callback claims it with a conditional update (`used_at` still empty, younger
    than the time limit), so a replayed or copied callback changes nothing. `started_by` is the
    admin who started it; a different organizer than the connected one is parked here (sealed
    with G2T_TOKEN_KEY) until that admin confirms it in the command that started the sign-in."""

    __tablename__ = "g2t_oauth_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    started_by: Mapped[str] = mapped_column(String(64))
    redirect_uri: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(30))
    # The other organizer's token answer awaiting confirmation (Fernet), and who it signs in as.
    pending_enc: Mapped[str | None] = mapped_column(Text)
    pending_account: Mapped[str | None] = mapped_column(String(600))
