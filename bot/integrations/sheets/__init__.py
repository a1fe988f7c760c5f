"""The team's Google Sheet ESP tracker, through gspread (with google-auth's service-account
credentials): `client` opens the sheet and wraps the Sheets API calls the sync makes; `layout`
finds the mapped columns and agents' rows in what was read. Neither touches the database."""
