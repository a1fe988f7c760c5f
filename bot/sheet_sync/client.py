"""The Sheets API calls the sync makes, through gspread's own methods.

gspread builds every URL from `gspread.urls.SPREADSHEETS_API_V4_BASE_URL` and imports the templates
by value, so SHEETS_API_URL is honoured by a small HTTPClient subclass that swaps that prefix for
the configured one on each request (the stand-in in tests and the demo; Google's otherwise).
gspread does not retry here: a quota 429 or a 5xx becomes a SheetError the caller backs off on,
with the writes still queued in the database.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

import gspread
import requests
from google.oauth2 import service_account
from gspread.exceptions import APIError, GSpreadException
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEETS_API_V4_BASE_URL
from gspread.utils import absolute_range_name, rowcol_to_a1

from bot.config.settings import Settings

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
TIMEOUT_SECONDS = 30.0


class SheetError(Exception):
    """A Sheets API call that failed; `transient` ones (429, 5xx, no connection) are retried later."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        return self.status is None or self.status == 429 or self.status >= 500


def credentials(settings: Settings) -> service_account.Credentials:
    if settings.google_service_account_json:
        info = json.loads(settings.google_service_account_json)
    elif settings.google_service_account_file:
        info = json.loads(settings.google_service_account_file.read_text(encoding="utf-8"))
    else:
        raise SheetError(
            "no service-account key: set GOOGLE_SERVICE_ACCOUNT_FILE or GOOGLE_SERVICE_ACCOUNT_JSON"
        )
    return service_account.Credentials.from_service_account_info(info, scopes=SCOPES)


def _http_client_for(base_url: str) -> type[HTTPClient]:
    base = base_url.rstrip("/")

    class RebasedHTTPClient(HTTPClient):
        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:
            if endpoint.startswith(SPREADSHEETS_API_V4_BASE_URL):
                endpoint = base + endpoint[len(SPREADSHEETS_API_V4_BASE_URL) :]
            return super().request(method, endpoint, *args, **kwargs)

    return RebasedHTTPClient


@dataclass(frozen=True)
class Tag:
    """Developer metadata on one row: which agent the row belongs to."""

    metadata_id: int
    agent_id: str
    row: int  # 1-based, as the sheet numbers rows


ROW_TAG_KEY = "training-day.agent"


class TrackerSheet:
    """One worksheet of the tracking spreadsheet. Rows and columns are 1-based throughout."""

    def __init__(self, spreadsheet: gspread.Spreadsheet, worksheet: str, sheet_id: int) -> None:
        self.spreadsheet = spreadsheet
        self.worksheet = worksheet
        self.sheet_id = sheet_id

    def _range(self, cells: str | None = None) -> str:
        return absolute_range_name(self.worksheet, cells)

    # reads ----------------------------------------------------------------------------------
    def read_all(self) -> list[list[str]]:
        """values.get of the whole worksheet: the header row first."""
        answer = _call(self.spreadsheet.values_get, self._range())
        return [[str(v) for v in row] for row in answer.get("values", [])]

    def read_header(self) -> list[str]:
        answer = _call(self.spreadsheet.values_get, self._range("1:1"))
        rows = answer.get("values", [])
        return [str(v) for v in rows[0]] if rows else []

    def read_columns(self, columns: list[int]) -> list[list[str]]:
        """One values.batchGet of whole columns (header included), one list per column asked."""
        ranges = [self._range(f"{_letter(c)}:{_letter(c)}") for c in columns]
        answer = _call(self.spreadsheet.values_batch_get, ranges, {"majorDimension": "COLUMNS"})
        found = []
        for value_range in answer.get("valueRanges", []):
            values = value_range.get("values") or [[]]
            found.append([str(v) for v in values[0]])
        return found

    def tags(self) -> list[Tag]:
        """developerMetadata.search for the bot's row tags on this worksheet."""
        url = f"{SPREADSHEETS_API_V4_BASE_URL}/{self.spreadsheet.id}/developerMetadata:search"
        body = {
            "dataFilters": [{"developerMetadataLookup": {"metadataKey": ROW_TAG_KEY, "locationType": "ROW"}}]
        }
        response = _call(self.spreadsheet.client.request, "post", url, json=body)
        tags = []
        for match in response.json().get("matchedDeveloperMetadata", []):
            meta = match.get("developerMetadata") or {}
            span = (meta.get("location") or {}).get("dimensionRange") or {}
            if span.get("sheetId") == self.sheet_id and "startIndex" in span:
                tags.append(
                    Tag(int(meta["metadataId"]), str(meta.get("metadataValue", "")), span["startIndex"] + 1)
                )
        return tags

    # writes ---------------------------------------------------------------------------------
    def write_cells(self, cells: list[tuple[int, int, str]]) -> int:
        """One values.batchUpdate for (row, column, value) cells; returns the cells updated."""
        body = {
            "valueInputOption": "RAW",
            "data": [{"range": self._range(rowcol_to_a1(r, c)), "values": [[v]]} for r, c, v in cells],
        }
        answer = _call(self.spreadsheet.values_batch_update, body)
        return int(answer.get("totalUpdatedCells", 0))

    def append_rows(self, rows: list[list[str]]) -> list[int]:
        """values.append after the table; returns the new rows' numbers."""
        params = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
        answer = _call(self.spreadsheet.values_append, self._range("A1"), params, {"values": rows})
        updated = str((answer.get("updates") or {}).get("updatedRange", ""))
        first = gspread.utils.a1_range_to_grid_range(updated.split("!")[-1]).get("startRowIndex", 0) + 1
        return list(range(first, first + len(rows)))

    def retag(self, new: list[tuple[str, int]], stale: list[int]) -> None:
        """One spreadsheets.batchUpdate: drop stale tags, tag (agent ID, row) pairs."""
        requests_: list[dict[str, Any]] = [
            {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": m}}}}
            for m in stale
        ]
        requests_ += [
            {
                "createDeveloperMetadata": {
                    "developerMetadata": {
                        "metadataKey": ROW_TAG_KEY,
                        "metadataValue": agent_id,
                        "location": {
                            "dimensionRange": {
                                "sheetId": self.sheet_id,
                                "dimension": "ROWS",
                                "startIndex": row - 1,
                                "endIndex": row,
                            }
                        },
                        "visibility": "DOCUMENT",
                    }
                }
            }
            for agent_id, row in new
        ]
        if requests_:
            _call(self.spreadsheet.batch_update, {"requests": requests_})

    def protect_columns(self, columns: list[int], description: str) -> None:
        """Warning-only protection: people may still edit, after confirming they mean to."""
        requests_ = [
            {
                "addProtectedRange": {
                    "protectedRange": {
                        "range": {
                            "sheetId": self.sheet_id,
                            "startRowIndex": 1,
                            "startColumnIndex": c - 1,
                            "endColumnIndex": c,
                        },
                        "description": description,
                        "warningOnly": True,
                    }
                }
            }
            for c in columns
        ]
        if requests_:
            _call(self.spreadsheet.batch_update, {"requests": requests_})


# The opened sheet is kept for the process: google-auth refreshes its token when it expires
# (hourly), so a push every 20 seconds neither asks for a token nor re-reads the spreadsheet each time.
_opened: dict[tuple[str, ...], TrackerSheet] = {}
_opened_lock = threading.Lock()


def _cache_key(settings: Settings, worksheet: str) -> tuple[str, ...]:
    key = settings.google_service_account_json or str(settings.google_service_account_file)
    digest = hashlib.sha256(key.encode()).hexdigest()
    return (settings.tracker_sheet_id or "", worksheet, settings.sheets_api_url, digest)


def open_tracker(settings: Settings, worksheet: str) -> TrackerSheet:
    """The worksheet, opened once per process (see `forget`)."""
    key = _cache_key(settings, worksheet)
    with _opened_lock:
        found = _opened.get(key)
    if found is None:
        found = _open(settings, worksheet)
        with _opened_lock:
            _opened[key] = found
    return found


def forget(settings: Settings, worksheet: str) -> None:
    """Open afresh next time (after an error: a renamed worksheet, a new key, a sheet unshared)."""
    with _opened_lock:
        _opened.pop(_cache_key(settings, worksheet), None)


def _open(settings: Settings, worksheet: str) -> TrackerSheet:
    """Authorize (the service account's JWT goes to the key's token_uri) and find the worksheet."""
    if not settings.tracker_sheet_id:
        raise SheetError("TRACKER_SHEET_ID is not set")
    try:
        client = gspread.Client(
            auth=credentials(settings), http_client=_http_client_for(settings.sheets_api_url)
        )
        client.set_timeout(TIMEOUT_SECONDS)
    except (OSError, ValueError, KeyError) as exc:
        # A key file missing or not a service-account key: no use retrying every minute.
        raise SheetError(f"the service-account key does not load: {exc!r}", status=400) from exc
    spreadsheet = _call(client.open_by_key, settings.tracker_sheet_id)
    metadata = _call(spreadsheet.fetch_sheet_metadata)
    for sheet in metadata.get("sheets", []):
        if sheet["properties"]["title"] == worksheet:
            return TrackerSheet(spreadsheet, worksheet, int(sheet["properties"]["sheetId"]))
    titles = ", ".join(repr(s["properties"]["title"]) for s in metadata.get("sheets", []))
    raise SheetError(f"the spreadsheet has no worksheet {worksheet!r} (it has {titles})", status=404)


def _letter(column: int) -> str:
    return rowcol_to_a1(1, column)[:-1]


def _call(func: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    except APIError as exc:
        retry_after = exc.response.headers.get("Retry-After") if exc.response is not None else None
        raise SheetError(
            f"Sheets API {exc.code}: {exc.error.get('message', '')}",
            status=int(exc.code) if exc.code and exc.code > 0 else None,
            retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
        ) from exc
    except gspread.exceptions.SpreadsheetNotFound as exc:
        raise SheetError(
            "the spreadsheet was not found, or is not shared with the service account", status=404
        ) from exc
    except GSpreadException as exc:
        raise SheetError(f"Sheets API: {exc}") from exc
    except (requests.RequestException, OSError) as exc:
        raise SheetError(f"cannot reach the Sheets API: {exc}") from exc
    except Exception as exc:  # google-auth's RefreshError (a key the token endpoint refuses) and kin
        if type(exc).__module__.startswith("google.auth"):
            raise SheetError(f"Google refused the service-account key: {exc}", status=401) from exc
        raise
