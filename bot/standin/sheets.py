"""The Google Sheets API stand-in: a loopback HTTP server answering the Sheets API v4 methods the bot
calls, with the request and response shapes of Google's reference, plus the OAuth2 token endpoint a
service-account key's `token_uri` points at. It records every call and fails on demand (quota 429s
with Retry-After, 5xx), and lets a test act like a person in the browser: type into a cell, sort
the rows, insert one. Developer metadata on a row moves with the row, as Google's does.

Methods (the names of Google's reference): spreadsheets.get, spreadsheets.values.get,
spreadsheets.values.batchGet, spreadsheets.values.batchUpdate, spreadsheets.values.append,
spreadsheets.batchUpdate (createDeveloperMetadata, deleteDeveloperMetadata, addProtectedRange),
spreadsheets.developerMetadata.search, and `token` (the JWT-bearer grant, RFC 7523).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from gspread.utils import a1_range_to_grid_range, rowcol_to_a1

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
# The audience Google requires in the assertion, wherever the key's token_uri sends it.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
WRITE_METHODS = (
    "spreadsheets.values.batchUpdate",
    "spreadsheets.values.append",
    "spreadsheets.batchUpdate",
)
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


@dataclass
class SheetsCall:
    method: str
    spreadsheet_id: str | None
    params: dict[str, Any]
    body: dict[str, Any]
    status: int
    response: dict[str, Any]


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    times: int


@dataclass
class Worksheet:
    sheet_id: int
    title: str
    rows: list[list[str]]
    protected: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Metadata:
    metadata_id: int
    key: str
    value: str
    sheet_id: int
    row: int  # 0-based row index the metadata is attached to
    visibility: str

    def as_json(self) -> dict[str, Any]:
        dimension = {
            "sheetId": self.sheet_id,
            "dimension": "ROWS",
            "startIndex": self.row,
            "endIndex": self.row + 1,
        }
        return {
            "metadataId": self.metadata_id,
            "metadataKey": self.key,
            "metadataValue": self.value,
            "location": {"locationType": "ROW", "sheetId": self.sheet_id, "dimensionRange": dimension},
            "visibility": self.visibility,
        }


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Worksheet]
    metadata: list[Metadata] = field(default_factory=list)

    def sheet(self, title: str) -> Worksheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def sheet_by_id(self, sheet_id: int) -> Worksheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class SheetsStandIn:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1001)
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self._calls: list[SheetsCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        self._tokens: set[str] = set()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """What SHEETS_API_URL is set to (Google's is https://sheets.googleapis.com/v4/spreadsheets)."""
        return f"{self.url}/v4/spreadsheets"

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    def start(self) -> SheetsStandIn:
        self._thread = threading.Thread(target=self._server.serve_forever, name="sheets-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- what tests set up -------------------------------------------------------------------
    def service_account_key(
        self, email: str = "training-day@team-sheets.iam.gserviceaccount.com"
    ) -> dict[str, Any]:
        """A service-account key file's content (as Google's console downloads it) whose token_uri
        is this stand-in; the stand-in checks the JWT's signature with its public half."""
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with self._lock:
            self._keys[email] = private.public_key()
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return {
            "type": "service_account",
            "project_id": "team-sheets",
            "private_key_id": secrets.token_hex(20),
            "private_key": pem,
            "client_email": email,
            "client_id": "1000000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
        }

    def add_spreadsheet(
        self, spreadsheet_id: str, worksheet: str, rows: list[list[str]], title: str = "ESP Tracker"
    ) -> None:
        with self._lock:
            self.spreadsheets[spreadsheet_id] = Spreadsheet(
                spreadsheet_id, title, [Worksheet(0, worksheet, [list(r) for r in rows])]
            )

    def fail(self, method: str, *, status: int = 429, retry_after: int | None = None, times: int = 1) -> None:
        """The next `times` calls of `method` fail with `status` (429 is Google's quota answer)."""
        with self._lock:
            self._faults.setdefault(method, []).append(_Fault(status, retry_after, times))

    def reset(self) -> None:
        with self._lock:
            self.spreadsheets.clear()
            self._calls.clear()
            self._faults.clear()

    # -- what people do in the browser -------------------------------------------------------
    def rows(self, spreadsheet_id: str, worksheet: str) -> list[list[str]]:
        with self._lock:
            return [list(r) for r in self._sheet(spreadsheet_id, worksheet).rows]

    def row_of(self, spreadsheet_id: str, worksheet: str, id_header: str, agent_id: str) -> dict[str, str]:
        """The row whose `id_header` cell is `agent_id`, as {header: value}."""
        rows = self.rows(spreadsheet_id, worksheet)
        column = rows[0].index(id_header)
        for row in rows[1:]:
            if column < len(row) and row[column] == agent_id:
                return {h: (row[i] if i < len(row) else "") for i, h in enumerate(rows[0])}
        raise KeyError(agent_id)

    def type_into(
        self, spreadsheet_id: str, worksheet: str, id_header: str, agent_id: str, header: str, value: str
    ) -> None:
        with self._lock:
            rows = self._sheet(spreadsheet_id, worksheet).rows
            id_col, col = rows[0].index(id_header), rows[0].index(header)
            row = next(r for r in rows[1:] if id_col < len(r) and r[id_col] == agent_id)
            row.extend([""] * (col + 1 - len(row)))
            row[col] = value

    def sort_rows(self, spreadsheet_id: str, worksheet: str, header: str, *, reverse: bool = False) -> None:
        """Data > Sort range, header row kept: row metadata moves with its row."""
        with self._lock:
            book = self.spreadsheets[spreadsheet_id]
            sheet = self._sheet(spreadsheet_id, worksheet)
            col = sheet.rows[0].index(header)
            order = sorted(
                range(1, len(sheet.rows)),
                key=lambda i: sheet.rows[i][col] if col < len(sheet.rows[i]) else "",
                reverse=reverse,
            )
            new_index = {old: new for new, old in enumerate(order, start=1)}
            sheet.rows = [sheet.rows[0]] + [sheet.rows[i] for i in order]
            for meta in book.metadata:
                if meta.sheet_id == sheet.sheet_id and meta.row in new_index:
                    meta.row = new_index[meta.row]

    def insert_row(self, spreadsheet_id: str, worksheet: str, at: int, values: list[str]) -> None:
        """Insert 1 row above row `at` (1-based, as the sheet numbers them)."""
        with self._lock:
            book = self.spreadsheets[spreadsheet_id]
            sheet = self._sheet(spreadsheet_id, worksheet)
            sheet.rows.insert(at - 1, list(values))
            for meta in book.metadata:
                if meta.sheet_id == sheet.sheet_id and meta.row >= at - 1:
                    meta.row += 1

    # -- what tests read ---------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[SheetsCall]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def writes(self) -> list[SheetsCall]:
        return [c for c in self.calls() if c.method in WRITE_METHODS and c.status == 200]

    def metadata(self, spreadsheet_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [m.as_json() for m in self.spreadsheets[spreadsheet_id].metadata]

    def protected_ranges(self, spreadsheet_id: str, worksheet: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._sheet(spreadsheet_id, worksheet).protected)

    # -- the server side ---------------------------------------------------------------------
    def handle(
        self, verb: str, path: str, params: dict[str, list[str]], body: dict[str, Any], auth: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if path == "/token" and verb == "POST":
            return self._token(body)
        method, spreadsheet_id, rest = _route(verb, path)
        flat = {k: (v if len(v) > 1 or k == "ranges" else v[0]) for k, v in params.items()}
        headers: dict[str, str] = {}
        try:
            if method is None:
                raise ApiError(404, f"Method not found: {verb} {path}")
            if not auth or auth.removeprefix("Bearer ") not in self._tokens:
                raise ApiError(401, "Request had invalid authentication credentials.")
            fault = self._take_fault(method)
            if fault is not None:
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
                message = (
                    f"Quota exceeded for quota metric '{'Write' if method in WRITE_METHODS else 'Read'} "
                    "requests' and limit 'per minute per user' of service 'sheets.googleapis.com'."
                    if fault.status == 429
                    else "The service is currently unavailable."
                )
                raise ApiError(fault.status, message)
            with self._lock:
                response = self._answer(method, spreadsheet_id or "", rest, flat, body)
            status = 200
        except ApiError as exc:
            status = exc.status
            response = {
                "error": {
                    "code": exc.status,
                    "message": exc.message,
                    "status": _STATUS_NAMES.get(exc.status, "UNKNOWN"),
                }
            }
        with self._lock:
            self._calls.append(SheetsCall(method or path, spreadsheet_id, flat, body, status, response))
        return status, response, headers

    def _token(self, form: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        """RFC 7523's JWT-bearer grant, as google-auth's service_account.Credentials sends it."""
        problem = self._jwt_problem(form)
        body: dict[str, Any]
        if problem:
            body = {"error": "invalid_grant", "error_description": problem}
            status = 400
        else:
            token = "ya29.standin-" + secrets.token_urlsafe(16)
            with self._lock:
                self._tokens.add(token)
            body = {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
            status = 200
        with self._lock:
            self._calls.append(
                SheetsCall("token", None, {}, {"grant_type": form.get("grant_type")}, status, body)
            )
        return status, body, {}

    def _jwt_problem(self, form: dict[str, Any]) -> str | None:
        if form.get("grant_type") != JWT_GRANT:
            return "Invalid grant_type."
        parts = str(form.get("assertion", "")).split(".")
        if len(parts) != 3:
            return "Invalid JWT."
        claims = json.loads(_b64decode(parts[1]))
        key = self._keys.get(claims.get("iss", ""))
        if key is None:
            return "Invalid JWT Signature."  # Google's answer for an unknown or deleted key
        try:
            key.verify(
                _b64decode(parts[2]), f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            return "Invalid JWT Signature."
        if claims.get("aud") != GOOGLE_TOKEN_AUDIENCE:
            return "Invalid JWT: audience is not the token endpoint."
        if SHEETS_SCOPE not in str(claims.get("scope", "")).split():
            return "Invalid JWT: the spreadsheets scope is missing."
        return None

    def _take_fault(self, method: str) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(method) or []
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            return fault

    def _sheet(self, spreadsheet_id: str, title: str) -> Worksheet:
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise ApiError(404, "Requested entity was not found.")
        sheet = book.sheet(title)
        if sheet is None:
            raise ApiError(400, f"Unable to parse range: {title}")
        return sheet

    def _answer(
        self, method: str, spreadsheet_id: str, rest: str, params: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise ApiError(404, "Requested entity was not found.")
        if method == "spreadsheets.get":
            return {
                "spreadsheetId": spreadsheet_id,
                "properties": {"title": book.title, "locale": "en_US", "timeZone": "America/Chicago"},
                "sheets": [
                    {
                        "properties": {
                            "sheetId": s.sheet_id,
                            "title": s.title,
                            "index": i,
                            "sheetType": "GRID",
                            "gridProperties": {"rowCount": max(1000, len(s.rows)), "columnCount": 26},
                        },
                        **({"protectedRanges": s.protected} if s.protected else {}),
                    }
                    for i, s in enumerate(book.sheets)
                ],
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit",
            }
        if method == "spreadsheets.values.get":
            return self._value_range(book, unquote(rest), params.get("majorDimension", "ROWS"))
        if method == "spreadsheets.values.batchGet":
            ranges = params.get("ranges") or []
            dimension = params.get("majorDimension", "ROWS")
            return {
                "spreadsheetId": spreadsheet_id,
                "valueRanges": [self._value_range(book, r, dimension) for r in ranges],
            }
        if method == "spreadsheets.values.batchUpdate":
            return self._values_batch_update(book, body)
        if method == "spreadsheets.values.append":
            return self._append(book, unquote(rest), params, body)
        if method == "spreadsheets.batchUpdate":
            return self._batch_update(book, body)
        if method == "spreadsheets.developerMetadata.search":
            return self._search(book, body)
        raise ApiError(404, "Method not found.")

    # values ---------------------------------------------------------------------------------
    def _locate(self, book: Spreadsheet, a1: str) -> tuple[Worksheet, dict[str, int]]:
        title, _, cells = a1.partition("!")
        if title.startswith("'") and title.endswith("'"):
            title = title[1:-1].replace("''", "'")
        sheet = book.sheet(title)
        if sheet is None:
            raise ApiError(400, f"Unable to parse range: {a1}")
        try:
            grid = a1_range_to_grid_range(cells) if cells else {}
        except Exception as exc:  # noqa: BLE001 - gspread's parser raises several kinds
            raise ApiError(400, f"Unable to parse range: {a1}") from exc
        return sheet, grid

    def _value_range(self, book: Spreadsheet, a1: str, dimension: str) -> dict[str, Any]:
        sheet, grid = self._locate(book, a1)
        width = max((len(r) for r in sheet.rows), default=0)
        r0, r1 = grid.get("startRowIndex", 0), grid.get("endRowIndex", len(sheet.rows))
        c0, c1 = grid.get("startColumnIndex", 0), grid.get("endColumnIndex", max(width, 1))
        block = [[(row[c] if c < len(row) else "") for c in range(c0, c1)] for row in sheet.rows[r0:r1]]
        if dimension == "COLUMNS":
            block = [list(col) for col in zip(*block, strict=False)] if block else []
        values = _trim(block)
        answer: dict[str, Any] = {
            "range": f"{_quoted(sheet.title)}!{rowcol_to_a1(r0 + 1, c0 + 1)}:{rowcol_to_a1(max(r1, r0 + 1), max(c1, c0 + 1))}",
            "majorDimension": dimension,
        }
        if values:
            answer["values"] = values  # Google leaves the key out of an empty range
        return answer

    def _write(self, sheet: Worksheet, r0: int, c0: int, values: list[list[Any]]) -> tuple[int, int]:
        for i, row_values in enumerate(values):
            while len(sheet.rows) <= r0 + i:
                sheet.rows.append([])
            row = sheet.rows[r0 + i]
            row.extend([""] * (c0 + len(row_values) - len(row)))
            for j, value in enumerate(row_values):
                row[c0 + j] = "" if value is None else str(value)
        return len(values), max((len(v) for v in values), default=0)

    def _values_batch_update(self, book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("valueInputOption") not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "Invalid valueInputOption: must be RAW or USER_ENTERED.")
        responses: list[dict[str, Any]] = []
        for entry in body.get("data") or []:
            sheet, grid = self._locate(book, entry.get("range", ""))
            values = entry.get("values") or []
            r0, c0 = grid.get("startRowIndex", 0), grid.get("startColumnIndex", 0)
            rows, cols = self._write(sheet, r0, c0, values)
            responses.append(
                {
                    "spreadsheetId": book.spreadsheet_id,
                    "updatedRange": f"{_quoted(sheet.title)}!{rowcol_to_a1(r0 + 1, c0 + 1)}:{rowcol_to_a1(r0 + rows, c0 + cols)}",
                    "updatedRows": rows,
                    "updatedColumns": cols,
                    "updatedCells": sum(len(v) for v in values),
                }
            )
        return {
            "spreadsheetId": book.spreadsheet_id,
            "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": len({r["updatedRange"].split("!")[0] for r in responses}),
            "responses": responses,
        }

    def _append(
        self, book: Spreadsheet, a1: str, params: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        if params.get("valueInputOption") not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "Invalid valueInputOption: must be RAW or USER_ENTERED.")
        sheet, grid = self._locate(book, a1)
        c0 = grid.get("startColumnIndex", 0)
        last = max((i for i, r in enumerate(sheet.rows) if any(v != "" for v in r)), default=-1)
        width = max((len(r) for r in sheet.rows), default=1)
        table = (
            f"{_quoted(sheet.title)}!{rowcol_to_a1(1, c0 + 1)}:{rowcol_to_a1(last + 1, width)}"
            if last >= 0
            else ""
        )
        values = body.get("values") or []
        if params.get("insertDataOption") == "INSERT_ROWS":
            for _ in values:
                sheet.rows.insert(last + 1, [])
            for meta in book.metadata:
                if meta.sheet_id == sheet.sheet_id and meta.row > last:
                    meta.row += len(values)
        rows, cols = self._write(sheet, last + 1, c0, values)
        updates = {
            "spreadsheetId": book.spreadsheet_id,
            "updatedRange": f"{_quoted(sheet.title)}!{rowcol_to_a1(last + 2, c0 + 1)}:{rowcol_to_a1(last + 1 + rows, c0 + cols)}",
            "updatedRows": rows,
            "updatedColumns": cols,
            "updatedCells": sum(len(v) for v in values),
        }
        return {"spreadsheetId": book.spreadsheet_id, "tableRange": table, "updates": updates}

    # spreadsheets.batchUpdate and developer metadata ----------------------------------------
    def _batch_update(self, book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        replies: list[dict[str, Any]] = []
        staged_metadata = list(book.metadata)
        staged_protection: list[tuple[Worksheet, dict[str, Any]]] = []
        for request in body.get("requests") or []:
            if "createDeveloperMetadata" in request:
                meta = request["createDeveloperMetadata"].get("developerMetadata") or {}
                span = (meta.get("location") or {}).get("dimensionRange") or {}
                sheet = book.sheet_by_id(int(span.get("sheetId", -1)))
                if sheet is None or span.get("dimension") != "ROWS":
                    raise ApiError(
                        400, "Invalid requests[0].createDeveloperMetadata: location must be a row range."
                    )
                if span.get("endIndex", 0) - span.get("startIndex", 0) != 1:
                    raise ApiError(
                        400, "Invalid requests[0].createDeveloperMetadata: one row at a time here."
                    )
                created = Metadata(
                    metadata_id=int(meta.get("metadataId") or next(self._ids)),
                    key=str(meta.get("metadataKey", "")),
                    value=str(meta.get("metadataValue", "")),
                    sheet_id=sheet.sheet_id,
                    row=int(span["startIndex"]),
                    visibility=str(meta.get("visibility", "DOCUMENT")),
                )
                staged_metadata.append(created)
                replies.append({"createDeveloperMetadata": {"developerMetadata": created.as_json()}})
            elif "deleteDeveloperMetadata" in request:
                lookup = (request["deleteDeveloperMetadata"].get("dataFilter") or {}).get(
                    "developerMetadataLookup"
                ) or {}
                gone = [m for m in staged_metadata if _matches(m, lookup)]
                staged_metadata = [m for m in staged_metadata if m not in gone]
                replies.append(
                    {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": [m.as_json() for m in gone]}}
                )
            elif "addProtectedRange" in request:
                protected = dict(request["addProtectedRange"].get("protectedRange") or {})
                sheet = book.sheet_by_id(int((protected.get("range") or {}).get("sheetId", 0)))
                if sheet is None:
                    raise ApiError(400, "Invalid requests.addProtectedRange: no such sheet.")
                protected["protectedRangeId"] = next(self._ids)
                staged_protection.append((sheet, protected))
                replies.append({"addProtectedRange": {"protectedRange": protected}})
            else:
                raise ApiError(400, f"Invalid JSON payload: unknown request {sorted(request)}.")
        # All or nothing, as Google applies a batchUpdate.
        book.metadata = staged_metadata
        for sheet, protected in staged_protection:
            sheet.protected.append(protected)
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    def _search(self, book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        matched = []
        for meta in book.metadata:
            filters = [
                f
                for f in body.get("dataFilters") or []
                if "developerMetadataLookup" in f and _matches(meta, f["developerMetadataLookup"])
            ]
            if filters:
                matched.append({"developerMetadata": meta.as_json(), "dataFilters": filters})
        return {"matchedDeveloperMetadata": matched} if matched else {}


def _matches(meta: Metadata, lookup: dict[str, Any]) -> bool:
    checks = {
        "metadataId": meta.metadata_id,
        "metadataKey": meta.key,
        "metadataValue": meta.value,
        "visibility": meta.visibility,
        "locationType": "ROW",
    }
    return all(lookup[k] == v for k, v in checks.items() if k in lookup)


def _trim(block: list[list[str]]) -> list[list[str]]:
    """Google drops trailing empty cells of each row and trailing empty rows."""
    rows = []
    for row in block:
        while row and row[-1] == "":
            row = row[:-1]
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'" if re.search(r"[^A-Za-z0-9_]", title) else title


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


_ROUTES = [
    ("GET", re.compile(r"^/v4/spreadsheets/([^/:]+)$"), "spreadsheets.get"),
    ("GET", re.compile(r"^/v4/spreadsheets/([^/:]+)/values:batchGet$"), "spreadsheets.values.batchGet"),
    (
        "POST",
        re.compile(r"^/v4/spreadsheets/([^/:]+)/values:batchUpdate$"),
        "spreadsheets.values.batchUpdate",
    ),
    ("POST", re.compile(r"^/v4/spreadsheets/([^/:]+)/values/(.+):append$"), "spreadsheets.values.append"),
    ("GET", re.compile(r"^/v4/spreadsheets/([^/:]+)/values/(.+)$"), "spreadsheets.values.get"),
    ("POST", re.compile(r"^/v4/spreadsheets/([^/:]+):batchUpdate$"), "spreadsheets.batchUpdate"),
    (
        "POST",
        re.compile(r"^/v4/spreadsheets/([^/:]+)/developerMetadata:search$"),
        "spreadsheets.developerMetadata.search",
    ),
]


def _route(verb: str, path: str) -> tuple[str | None, str | None, str]:
    for route_verb, pattern, method in _ROUTES:
        match = pattern.match(path)
        if match and route_verb == verb:
            groups = match.groups()
            return method, groups[0], groups[1] if len(groups) > 1 else ""
    return None, None, ""


def _handler_for(standin: SheetsStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def _serve(self, verb: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8") if length else ""
            if "json" in (self.headers.get("Content-Type") or ""):
                body = json.loads(raw or "{}")
            else:
                body = {k: v[0] for k, v in parse_qs(raw).items()}
            status, answer, headers = standin.handle(
                verb, parts.path, parse_qs(parts.query), body, self.headers.get("Authorization")
            )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
