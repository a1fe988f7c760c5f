"""Files in and out of Slack: a file someone attached to a modal (files.info, then its private URL
with the bot token), and a file handed to someone in their DM (files_upload_v2).

Network calls, each: make them outside any unit of work."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlparse

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.errors import DomainError, InvalidInput

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = 15.0


@dataclass(frozen=True)
class Downloaded:
    name: str
    content: bytes


def download(client: WebClient, file_id: str, *, max_bytes: int) -> Downloaded:
    """The file's name and bytes; a refusal when it is larger than `max_bytes` (said before a
    byte is fetched, and enforced while reading, whatever files.info said)."""
    try:
        info = client.files_info(file=file_id)["file"]
    except (SlackApiError, SlackClientError, OSError) as exc:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        raise DomainError(
            f"I could not read the attached file from Slack (`{reason}`); nothing was saved."
        ) from None
    if not isinstance(info, dict):
        raise DomainError("Slack did not describe the attached file; nothing was saved.")
    name = str(info.get("name") or info.get("title") or "file")
    size = info.get("size")
    if isinstance(size, int) and size > max_bytes:
        raise InvalidInput(
            f"The attached file is {size / 1_000_000:.1f} MB; the limit is {max_bytes / 1_000_000:.1f} MB."
        )
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not url or not _may_send_token(url, client.base_url):
        raise DomainError("Slack gave no address I may fetch the attached file from; nothing was saved.")
    return Downloaded(name=name, content=_fetch(url, client.token or "", max_bytes))


def _may_send_token(url: str, api_url: str) -> bool:
    """The bot token goes only to Slack (or to the API's own host: the stand-in)."""
    host = (urlparse(url).hostname or "").lower()
    api_host = (urlparse(api_url).hostname or "").lower()
    return urlparse(url).scheme in ("https", "http") and (
        host == api_host or host == "files.slack.com" or host.endswith(".slack.com")
    )


def _fetch(url: str, token: str, max_bytes: int) -> bytes:
    try:
        with httpx.stream(
            "GET", url, headers={"Authorization": f"Bearer {token}"}, timeout=DOWNLOAD_TIMEOUT
        ) as response:
            if response.status_code != 200:
                raise DomainError(
                    f"Slack answered {response.status_code} for the attached file; nothing was saved."
                )
            if "text/html" in response.headers.get("content-type", ""):
                # Slack's sign-in page, not the file: the token lacks files:read.
                raise DomainError("Slack did not let me read the attached file; nothing was saved.")
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise InvalidInput(
                        f"The attached file is over {max_bytes / 1_000_000:.1f} MB, the limit."
                    )
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.HTTPError as exc:
        log.warning("could not fetch an attached file: %s", exc)
        raise DomainError(
            f"I could not fetch the attached file from Slack (`{type(exc).__name__}`); nothing was saved."
        ) from None


def send_to_dm(
    client: WebClient,
    user_id: str,
    *,
    filename: str,
    content: bytes,
    title: str,
    comment: str | None = None,
    alt_text: str | None = None,
) -> str:
    """Share `content` as a file in the app's DM with the person (files_upload_v2: an upload URL, the
    bytes, then completeUploadExternal into the DM); the file's id. Slack's refusal is raised."""
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    response = client.files_upload_v2(
        channel=channel,
        content=content,
        filename=filename,
        title=title,
        initial_comment=comment,
        alt_txt=alt_text,
    )
    shared = response.get("file") or {}
    return str(shared.get("id") or "")


@dataclass(frozen=True)
class Outgoing:
    """One file of several shared at once: its name, bytes, title and alt text (for an image)."""

    filename: str
    content: bytes
    title: str
    alt_text: str | None = None


def send_files_to_dm(
    client: WebClient, user_id: str, outgoing: list[Outgoing], *, comment: str | None = None
) -> list[str]:
    """Share several files in the app's DM with the person in one message (files_upload_v2 with
    `file_uploads`); their ids. Slack's refusal is raised."""
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    response = client.files_upload_v2(
        channel=channel,
        initial_comment=comment,
        file_uploads=[
            {"content": f.content, "filename": f.filename, "title": f.title, "alt_txt": f.alt_text}
            for f in outgoing
        ],
    )
    shared = response.get("files") or []
    return [str(f.get("id") or "") for f in shared if isinstance(f, dict)]


def send_file(
    client: WebClient,
    recipient: str,
    *,
    filename: str,
    content: bytes,
    title: str,
    comment: str | None = None,
) -> str:
    """Share a file with a person (in their DM) or in a channel (an HR channel); the file's id."""
    if recipient.startswith(("U", "W")):
        return send_to_dm(client, recipient, filename=filename, content=content, title=title, comment=comment)
    response = client.files_upload_v2(
        channel=recipient, content=content, filename=filename, title=title, initial_comment=comment
    )
    shared = response.get("file") or {}
    return str(shared.get("id") or "")
