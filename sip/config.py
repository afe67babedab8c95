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

#: Number of reverse proxies in front of the app (X-Forwarded-For is trusted that deep).
TRUSTED_PROXIES = 0

MEMBERS_PER_PAGE = 25
AUDIT_PER_PAGE = 50

#: Largest request body accepted (bytes).
MAX_CONTENT_LENGTH = 2 * 1024 * 1024

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
