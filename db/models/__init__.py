"""Every model, imported so Alembic and metadata see all tables. One module per table."""

from db.models.ahip_clock import AhipClock
from db.models.attendance_check import AttendanceCheck
from db.models.attendance_code import AttendanceCodeChoice
from db.models.attendance_flag import AttendanceFlag
from db.models.audit_entry import AuditEntry
from db.models.carrier_ticket import CarrierTicket
from db.models.catch_up_session import CatchUpSession
from db.models.cert_attempt import CertAttempt
from db.models.coaching import Coaching
from db.models.cohort import Cohort
from db.models.day_prompt import DayPrompt
from db.models.digest import DigestLine, NotificationPreference
from db.models.enrollment import Enrollment
from db.models.esp_item import EspItem
from db.models.file_delivery import FileDelivery
from db.models.form_submission import FormSubmission
from db.models.g2t_connection import G2TConnection
from db.models.g2t_oauth_state import G2TOAuthState
from db.models.g2t_presence import G2TPresence, G2TReport
from db.models.g2t_registration import G2TRegistration
from db.models.g2t_training import G2TTraining
from db.models.help_request import HelpRequest
from db.models.notification import Notification
from db.models.pending_reaction import PendingReaction
from db.models.person import STAFF_ROLES, Person, Role
from db.models.processed_event import ProcessedEvent
from db.models.progress_mark import ProgressMark
from db.models.record_read import RecordRead
from db.models.red_flag import RedFlag
from db.models.request_result import RequestResult
from db.models.roster_draft import RosterDraft
from db.models.scheduler_lock import SchedulerLock
from db.models.sheet_cell import SheetCell
from db.models.sheet_sync_state import SheetSyncState
from db.models.sheet_write import SheetWrite
from db.models.timeframe_flag import TimeframeFlag

__all__ = [
    "STAFF_ROLES",
    "AhipClock",
    "AttendanceCheck",
    "AttendanceCodeChoice",
    "AttendanceFlag",
    "AuditEntry",
    "CarrierTicket",
    "CatchUpSession",
    "CertAttempt",
    "Coaching",
    "Cohort",
    "DayPrompt",
    "DigestLine",
    "Enrollment",
    "EspItem",
    "FileDelivery",
    "FormSubmission",
    "G2TConnection",
    "G2TOAuthState",
    "G2TPresence",
    "G2TRegistration",
    "G2TReport",
    "G2TTraining",
    "HelpRequest",
    "Notification",
    "NotificationPreference",
    "PendingReaction",
    "Person",
    "ProcessedEvent",
    "ProgressMark",
    "RecordRead",
    "RedFlag",
    "RequestResult",
    "RosterDraft",
    "Role",
    "SchedulerLock",
    "SheetCell",
    "SheetSyncState",
    "SheetWrite",
    "TimeframeFlag",
]
