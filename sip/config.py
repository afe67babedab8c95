"""Default settings. Override with ``SIP_*`` environment variables or a dict in tests."""

from datetime import timedelta

#: Signing key for sessions and reset links. Unset: a random key kept in instance/secret_key.
#: Several app servers behind a load balancer must share one: set SIP_SECRET_KEY.
SECRET_KEY = None

SQLALCHEMY_DATABASE_URI = "sqlite:///sip.sqlite3"  # resolved under instance/ by create_app
SQLALCHEMY_ENGINE_OPTIONS: dict = {}

#: Languages the interface speaks; the first is the fallback.
LANGUAGES = ("en", "fr", "nl")
BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
BABEL_TRANSLATION_DIRECTORIES = "translations"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
#: Secure cookies unless the app runs in debug (see create_app).
SESSION_COOKIE_SECURE = None
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = timedelta(days=14)

WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

#: Login throttling (Flask-Limiter). memory:// by default; redis://host:port when configured.
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_ENABLED = True
RATELIMIT_HEADERS_ENABLED = False
LOGIN_RATE_LIMIT = "5 per minute"

#: Password reset links expire after this many seconds.
PASSWORD_RESET_MAX_AGE = 3600
PASSWORD_MIN_LENGTH = 10

#: Mail: "console" writes to the log, "smtp" sends, "memory" keeps messages (tests).
MAIL_BACKEND = "console"
MAIL_SERVER = "localhost"
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "SIP <no-reply@sip.invalid>"
#: Where the links in emails point: scheme, host and any path prefix, e.g.
#: "https://sip.example.coop". Set it in production (SIP_BASE_URL): unset, links use the host
#: of the request that queued the mail (a forged Host header would change them), and
#: "http://localhost:5000" outside a request (send-mail, the RQ worker).
BASE_URL = None
#: Every email goes to the outbox (table mail_message) first. Without a job queue, a request
#: sends at most this many of its own messages right after it commits; the rest, and retries,
#: wait for `flask --app sip send-mail`. 0: leave everything to send-mail.
MAIL_INLINE_MAX = 20
#: Messages claimed by a sender at a time (and ids per RQ job).
MAIL_BATCH_SIZE = 50
#: Seconds to wait after the 1st, 2nd, ... failed attempt; after the last one the message is
#: "failed" (so len + 1 attempts in all): 1 min, 5 min, 30 min, 2 h, 6 h.
MAIL_RETRY_DELAYS = (60, 300, 1800, 7200, 21600)
#: Redis for the mail job queue (RQ), e.g. "redis://127.0.0.1:6379/0" (SIP_REDIS_URL). Set:
#: requests enqueue their messages and `flask --app sip rq-worker` sends them. Unset: inline.
REDIS_URL = None
RQ_QUEUE = "sip-mail"

#: Notifications (issue "Notifications"): daily digests are queued by send-mail once a day,
#: from this hour (local time, BABEL_DEFAULT_TIMEZONE).
NOTIFICATIONS_DIGEST_HOUR = 7
#: The unsubscribe link in each email works without logging in for this many seconds.
NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE = 60 * 24 * 3600
#: A questionnaire opening on a later date is announced by send-mail when it opens, if it
#: runs within this many hours of the opening (no stale announcement after a long outage).
NOTIFICATIONS_LATE_HOURS = 24

#: Number of reverse proxies in front of the app (X-Forwarded-For is trusted that deep).
TRUSTED_PROXIES = 0

MEMBERS_PER_PAGE = 25
AUDIT_PER_PAGE = 50

#: Largest request body accepted (bytes): a receipt and its form.
MAX_CONTENT_LENGTH = 6 * 1000 * 1000

#: Working groups (DESIGN.md "The cycle and its states"): composition rules and limits.
WG_MAX_GROUPS_PER_CYCLE = 4
WG_MODERATORS = 1
WG_MIN_BOARD_MEMBERS = 2
WG_MIN_COMMUNITY_MEMBERS = 0
TOPICS_PER_PAGE = 20
GROUPS_PER_PAGE = 20

#: Forum moderation (issue "Moderated forums").
#: Authors may edit a post for this many minutes after writing it.
FORUM_EDIT_WINDOW_MINUTES = 30
#: A post flagged by this many distinct members is hidden until a moderator reviews it.
FORUM_FLAG_THRESHOLD = 3
#: A member's first posts wait for a moderator until this many have been published.
FORUM_PREMODERATE_FIRST_POSTS = 2
FORUM_POST_MAX_LENGTH = 20000
FORUM_THREADS_PER_PAGE = 25
FORUM_POSTS_PER_PAGE = 20
FORUM_SEARCH_PER_PAGE = 20
FORUM_QUEUE_PER_PAGE = 25
#: Longest posting suspension a moderator may give, in days.
FORUM_MAX_SUSPENSION_DAYS = 365
NOTIFICATIONS_PER_PAGE = 25
#: A published thread cited by a submitted (public) recommendation is readable by anyone,
#: read-only: an action can be followed back to the debate it comes from.
FORUM_PUBLIC_CITED_THREADS = True

#: Questionnaires (issue "Questionnaires"): a breakdown or filter of results with fewer
#: responses than this is withheld, so that a small category or office does not reveal who
#: answered what (organisers of a named questionnaire see everything).
SURVEY_MIN_GROUP_SIZE = 5

#: The board (issue "The board"): terms of office, quorum, votes, the gender rule.
BOARD_TERM_YEARS = 4
#: A term is renewable once: two terms at most.
BOARD_MAX_TERMS = 2
#: Quorum: more than this fraction of the filled seats present.
BOARD_QUORUM_FRACTION = "0.5"
#: A tie is lost unless the meeting's chair has a casting vote.
BOARD_CHAIR_CASTING_VOTE = False
#: At least this share of each gender among sitting members (Smart: 0.4); null: no rule.
BOARD_GENDER_MIN_SHARE = "0.4"
#: Staff representatives who attend board meetings as observers, without a vote.
BOARD_OBSERVERS = 2

#: Actions (issue "Adopted actions"): actions and each cycle's dashboard are public, readable
#: without an account; set to False to show them to members only.
ACTIONS_PUBLIC = True
ACTIONS_PER_PAGE = 25

#: General assemblies (issue "General assembly"): the co-operative's default rules, which each
#: assembly may change. Smart Belgium: one member, one vote.
ASSEMBLY_SCHEME = "one_member_one_vote"
#: ``college_weighted``: each college's share of the vote, by college code.
ASSEMBLY_COLLEGE_WEIGHTS = {"A": "0.5", "B": "0.3", "C": "0.2"}
#: A college in which nobody voted: "renormalise" (left out) or "not_approving".
ASSEMBLY_EMPTY_COLLEGE = "renormalise"
ASSEMBLY_ABSTENTIONS_COUNT = False
#: ``per_share_capped``: nobody above this share of the votes (accredited co-operatives).
ASSEMBLY_SHARE_CAP = "0.10"
#: Quorum of an assembly at its first convocation ("members" or "shares"; null: none).
ASSEMBLY_QUORUM_BASIS = "members"
ASSEMBLY_QUORUM_FRACTION = None
#: Statute changes and changes of purpose at a first convocation: half of the shares.
ASSEMBLY_STATUTE_QUORUM_BASIS = "shares"
ASSEMBLY_STATUTE_QUORUM_FRACTION = "0.5"
ASSEMBLY_PROXY_CAP = 1
#: Members are convened at least this many days before (a shorter notice is warned about).
ASSEMBLY_NOTICE_DAYS = 15
#: Members who have not voted on everything are reminded this many hours before advance
#: voting closes (when the assembly starts), once, by send-mail.
ASSEMBLY_CLOSING_REMINDER_HOURS = 24

#: Payroll (issue "Contracts, invoices, expenses and salaries"): receipts are kept in this
#: folder, outside the web root (default: instance/receipts), up to this size.
PAYROLL_RECEIPTS_DIR = None
PAYROLL_RECEIPT_MAX_BYTES = 5 * 1000 * 1000
