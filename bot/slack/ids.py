"""Every Slack identifier the app uses: commands, events, action and view callback IDs.

One module so a rename happens in one place and the manifest test can compare against it.
"""

from __future__ import annotations

# Slash commands. Each must be in manifest.yml, and the reverse (tests/kernel/test_manifest.py checks).
COHORT = "/cohort"
ATTENDANCE = "/attendance"
TECHISSUE = "/techissue"
NEEDHELP = "/needhelp"
COACH = "/coach"
COACHING = "/coaching"
FAILCERT = "/failcert"
PROGRESS = "/progress"
FORMS = "/forms"
ESP = "/esp"
REDFLAG = "/redflag"
RECORDS = "/records"  # an agent's whole record, who read it (HR records)
COMMANDS: tuple[str, ...] = (
    COHORT,
    ATTENDANCE,
    TECHISSUE,
    NEEDHELP,
    COACH,
    COACHING,
    FAILCERT,
    PROGRESS,
    FORMS,
    ESP,
    REDFLAG,
    RECORDS,
)

# Bot events the app subscribes to (the manifest's bot_events, checked the same way).
EVENT_MEMBER_JOINED = "member_joined_channel"
EVENT_REACTION_ADDED = "reaction_added"
EVENT_REACTION_REMOVED = "reaction_removed"
EVENT_APP_HOME_OPENED = "app_home_opened"
EVENT_USER_CHANGE = "user_change"  # a person's timezone, for the times in their DMs
# What someone types in the bot's Messages tab: subscribed as message.im, delivered with the
# event type "message" (channel_type "im"), which is what a listener names.
EVENT_MESSAGE_IM = "message.im"
EVENT_MESSAGE = "message"
EVENTS: tuple[str, ...] = (
    EVENT_MEMBER_JOINED,
    EVENT_REACTION_ADDED,
    EVENT_REACTION_REMOVED,
    EVENT_APP_HOME_OPENED,
    EVENT_USER_CHANGE,
    EVENT_MESSAGE_IM,
)
# The `type` each subscribed event arrives with.
EVENT_TYPES: frozenset[str] = frozenset(name.split(".")[0] for name in EVENTS)

# The action_id of the single input in each modal block (every block has one input).
FIELD_INPUT = "value"

# View callback IDs.
VIEW_COHORT_NEW = "cohort_new"

# Block IDs and action IDs inside the cohort modal.
COHORT_FIELD_NAME = "cohort_name"
COHORT_FIELD_CHANNEL = "cohort_channel"
COHORT_FIELD_TIMEZONE = "cohort_timezone"
COHORT_FIELD_START = "cohort_start"
COHORT_FIELD_DAYS = "cohort_days"
COHORT_FIELD_LINK = "cohort_link"
COHORT_FIELD_TL = "cohort_tl"
COHORT_FIELD_PM = "cohort_pm"
# The roster from the team's sheet: pasted rows or an attached CSV/XLSX, in /cohort new and
# /cohort roster, then the preview that confirms them.
COHORT_FIELD_ROSTER = "cohort_roster"
COHORT_FIELD_ROSTER_FILE = "cohort_roster_file"
VIEW_COHORT_ROSTER = "cohort_roster"
VIEW_ROSTER_CONFIRM = "cohort_roster_confirm"

# The help queue: buttons, the claim modal and its room field.
ACTION_HELP_STILL_STUCK = "help_still_stuck"
ACTION_HELP_CLAIM = "help_claim"
ACTION_HELP_RESOLVE = "help_resolve"
VIEW_HELP_CLAIM = "help_claim_room"
HELP_ROOM_BLOCK = "help_room"

# The G2T link DM's Join button: it opens the training's URL; the click is only acked.
ACTION_G2T_JOIN = "training_join"

# The training day: /attendance, reactions to the day's prompts, the TL's MIA buttons.
ACTION_MIA_EXCUSE = "mia_excuse"
ACTION_MIA_PRESENT = "mia_present"
VIEW_MIA_REASON = "mia_reason"
# An agent's "I was there" on the DM telling them of a tardy or MIA mark, and the TL's decision
# (value: the attendance flag's id).
ACTION_ATTENDANCE_CLAIM = "attendance_claim"
ACTION_ATTENDANCE_CLAIM_ACCEPT = "attendance_claim_accept"
ACTION_ATTENDANCE_CLAIM_KEEP = "attendance_claim_keep"
MIA_REASON_BLOCK = "mia_reason"

# Accountability: coaching, failed cert exams, the three-day timeframe.
VIEW_COACH = "coach_modal"
COACH_POLICY_BLOCK = "coach_policy"
COACH_LEVEL_BLOCK = "coach_level"
COACH_INCIDENT_BLOCK = "coach_incident"
COACH_EXPECTATION_BLOCK = "coach_expectation"
COACH_LINKS_BLOCK = "coach_links"
COACH_SKIP_BLOCK = "coach_skip_reason"
ACTION_COACH_OPEN = "coach_open"  # a button that opens the /coach form filled in
VIEW_FAILCERT = "failcert_modal"
FAILCERT_AGENT_BLOCK = "failcert_agent"
FAILCERT_CARRIER_BLOCK = "failcert_carrier"
FAILCERT_SCORE_BLOCK = "failcert_score"
FAILCERT_NOTE_BLOCK = "failcert_note"
VIEW_PROGRESS = "progress_modal"
PROGRESS_STEP_BLOCK = "progress_step"

# Red flags and App Home: /redflag, the Resolve button and modal, app_home_opened.
ACTION_REDFLAG_RESOLVE = "redflag_resolve"
VIEW_REDFLAG_RESOLVE = "redflag_resolve"
REDFLAG_RESOLUTION_BLOCK = "redflag_resolution"

# The five tracking forms and the ESP tracker: /forms, /esp, the form modals.
FORM_KINDS = ("cert", "tbt", "callcert", "failedcert", "ticket")
VIEW_FORMS = {kind: f"form_{kind}" for kind in FORM_KINDS}  # kind -> modal callback_id
# kind -> button action_id: the /forms picker and App Home put these buttons (value: agent user ID or "").
ACTION_FORM_OPEN = {kind: f"form_open_{kind}" for kind in FORM_KINDS}
FORM_AGENT_BLOCK = "form_agent"
FORM_NNUMBER_BLOCK = "form_n_number"
FORM_CARRIER_BLOCK = "form_carrier"
FORM_DATE_BLOCK = "form_date"
FORM_PROOF_BLOCK = "form_proof"
FORM_CONFIRM_BLOCK = "form_confirm"
FORM_TRAINER_BLOCK = "form_trainer"
FORM_EVALUATOR_BLOCK = "form_evaluator"
FORM_RESULT_BLOCK = "form_result"
FORM_NOTES_BLOCK = "form_notes"
FORM_SCORE_BLOCK = "form_score"
FORM_ISSUE_BLOCK = "form_issue"
FORM_TICKET_BLOCK = "form_ticket_number"
FORM_STATUS_BLOCK = "form_status"

# The team's Google Sheet ESP tracker: the TL's button taking a value typed over a bot-owned cell
# (value: the sheet cell's id).
ACTION_SHEET_TAKE_VALUE = "sheet_take_value"

# -- Call Certification scoring: one score and one evaluator per call --
CALL_CERT_MAX_CALLS = 10
FORM_CALL_SCORE_BLOCKS = tuple(f"form_call{n}_score" for n in range(1, CALL_CERT_MAX_CALLS + 1))
FORM_CALL_EVALUATOR_BLOCKS = tuple(f"form_call{n}_evaluator" for n in range(1, CALL_CERT_MAX_CALLS + 1))

# -- The Final CAP's catch-up sessions --
ACTION_CATCHUP_OPEN = "catchup_open"
VIEW_CATCHUP = "catchup_modal"
CATCHUP_MAX_SESSIONS = 5
CATCHUP_DATE_BLOCKS = tuple(f"catchup_date_{n}" for n in range(1, CATCHUP_MAX_SESSIONS + 1))
CATCHUP_TIME_BLOCKS = tuple(f"catchup_time_{n}" for n in range(1, CATCHUP_MAX_SESSIONS + 1))
# The managers' morning report and production.
ACTION_MOVED_TO_PRODUCTION = "esp_moved_to_production"  # value: the enrollment id

# People and roles, for admins: the Home button and its modal.
ACTION_PEOPLE_ROLES = "people_roles_open"
VIEW_PEOPLE_ROLES = "people_roles"
ROLES_PERSON_BLOCK = "roles_person"
ROLES_ROLE_BLOCK = "roles_role"
ROLES_REASON_BLOCK = "roles_reason"
# The ESP tracker as a file in the person's DM (value: "xlsx" or "csv").
ACTION_TRACKER_DOWNLOAD = "tracker_download"
ACTION_TRACKER_DOWNLOAD_CSV = "tracker_download_csv"
# A class's pictures (funnel, attendance map, pass rates) as PNGs in the person's DM (value: its channel).
ACTION_CLASS_PICTURES = "class_pictures"
# The agent's "I have read this" on a CAP (value: the coaching id).
ACTION_CAP_ACKNOWLEDGE = "cap_acknowledge"
# A person's notification settings: the Home button and its modal.
ACTION_NOTIFICATION_SETTINGS = "notification_settings_open"
VIEW_NOTIFICATION_SETTINGS = "notification_settings"
NOTIFY_KINDS_BLOCK = "notify_kinds"
NOTIFY_MOMENTS_BLOCK = "notify_moments"
NOTIFY_QUIET_FROM_BLOCK = "notify_quiet_from"
NOTIFY_QUIET_UNTIL_BLOCK = "notify_quiet_until"

# Every action and view the app listens for: with COMMANDS and EVENTS, the only names /metrics
# labels a request with (bot/slack/web.py), so no request can add a series of its own.
ACTIONS: tuple[str, ...] = (
    ACTION_HELP_STILL_STUCK,
    ACTION_HELP_CLAIM,
    ACTION_HELP_RESOLVE,
    ACTION_MIA_EXCUSE,
    ACTION_MIA_PRESENT,
    ACTION_COACH_OPEN,
    ACTION_REDFLAG_RESOLVE,
    *ACTION_FORM_OPEN.values(),
    ACTION_SHEET_TAKE_VALUE,
    ACTION_CATCHUP_OPEN,
    ACTION_MOVED_TO_PRODUCTION,
    ACTION_PEOPLE_ROLES,
    ACTION_TRACKER_DOWNLOAD,
    ACTION_TRACKER_DOWNLOAD_CSV,
    ACTION_CLASS_PICTURES,
    ACTION_CAP_ACKNOWLEDGE,
    ACTION_G2T_JOIN,
    ACTION_ATTENDANCE_CLAIM,
    ACTION_ATTENDANCE_CLAIM_ACCEPT,
    ACTION_ATTENDANCE_CLAIM_KEEP,
    ACTION_NOTIFICATION_SETTINGS,
)
VIEWS: tuple[str, ...] = (
    VIEW_COHORT_NEW,
    VIEW_HELP_CLAIM,
    VIEW_MIA_REASON,
    VIEW_COACH,
    VIEW_FAILCERT,
    VIEW_PROGRESS,
    VIEW_REDFLAG_RESOLVE,
    *VIEW_FORMS.values(),
    VIEW_CATCHUP,
    VIEW_COHORT_ROSTER,
    VIEW_ROSTER_CONFIRM,
    VIEW_PEOPLE_ROLES,
    VIEW_NOTIFICATION_SETTINGS,
)
