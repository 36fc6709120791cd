# accordo — English. The reference catalogue: every message exists here, and every other
# language falls back to it message by message. Keep ids in the same order in every file.

## The frame of every page
brand-owner = Migration partnership · Shared operational platform
brand-tagline = The partnership's shared operational platform
skip-to-content = Skip to the main content
table-region = Table (scrolls sideways)
chart-region = Chart (scrolls sideways)
nav-label = Main navigation
nav-open = Open the menu
nav-close = Close the menu
nav-home = Home
nav-admin = Administration
nav-audit = Audit log
nav-account = My account
language-menu = Language
sign-out = Sign out
footer-times = Times are shown in { $tz }
footer-api = API (OpenAPI)
breadcrumb = You are here
save = Save
yes = Yes
no = No
actions = Actions

## Roles
role-admin = Administrator
role-analyst = Analyst
role-officer = Officer
role-caseworker = Caseworker
role-partner_authority = Partner authority
role-monitor = Independent monitor
role-employer = Employer

## Sign-in
sign-in-title = Sign in
sign-in-username = Username
sign-in-password = Password
sign-in-totp = Security code
sign-in-totp-help = The 6-digit code from your authenticator app, if your account has one.
sign-in-submit = Sign in
sign-in-why-session_ended = Your session has ended. Sign in again to continue.
sign-in-why-signed_out = You have signed out.
sign-in-why-disabled = This account is disabled. Ask your agency's administrator.
sign-in-error-credentials = The username or the password is wrong.
sign-in-error-totp-required = Enter the security code from your authenticator app.
sign-in-error-totp-invalid = The security code is wrong or has expired. Enter the current one.
sign-in-error-totp-enrolment = Your role requires a second factor, and this account has none yet. Ask your administrator to reset your password: you will enrol it when you sign in with the temporary one.
sign-in-error-disabled = This account is disabled. Ask your agency's administrator.
sign-in-error-throttled = Too many failed attempts. Wait a few minutes, then try again.
sign-in-demo-title = Demonstration accounts
sign-in-demo-body = This is a demonstration with synthetic data. Every account below uses the password

## Home
home-title = Home
home-greeting = Welcome, { $name }
home-you-are = { $agency } ·
home-notifications = Notifications
home-unread = Unread
home-no-notifications = Nothing new.
home-mark-read = Mark as read
home-marked-read = Notification marked as read.
home-admin = Administration
home-users = Users
home-users-disabled = Disabled
home-users-without-factor = Without a second factor
home-agencies = Agencies
home-audit = Audit log
home-audit-recent = Entries in the last 24 hours
home-account = My account
home-sessions = Open sessions
home-second-factor = Second factor enrolled

## My account
account-title = My account
account-preferences = Language and time zone
account-language = Language
account-time-zone = Time zone
account-preferences-saved = Your preferences are saved.
account-password = Password
account-current-password = Current password
account-new-password = New password
account-password-rule = At least 12 characters, not containing your username.
account-confirm-password = New password, again
account-change-password = Change password
account-password-mismatch = The two new passwords differ.
account-password-changed = Your password is changed.
account-must-change-password = Choose a new password before you go on: the current one was set by an administrator.
account-second-factor = Second factor
account-totp-on = A second factor is enrolled. Sign-in asks for its code.
account-totp-off = No second factor is enrolled.
account-totp-start = Set up a second factor
account-totp-replace = Replace the second factor
account-totp-scan = Add this key to your authenticator app (type it, or open the link below on the phone), then enter the code it shows.
account-totp-uri = Link for an authenticator app
account-totp-code = Code from the app
account-totp-confirm = Confirm
account-totp-enrolled = The second factor is enrolled.
account-totp-proof = To set it up, confirm it is you with your password.
account-totp-proof-replace = To replace it, confirm it is you with your password and a code of the current one.
account-totp-password = Your password
account-totp-current = Code of the current second factor
account-totp-closed = Your role requires a second factor. An administrator resets your password; you set it up at the next sign-in.
account-sessions = Sessions
account-tokens = API tokens
account-tokens-help = A token lets a program use the API as you. It is shown once, when created.
account-label = Name
account-created = Created
account-last-used = Last used
account-expires = Expires
account-this-session = this session
account-revoke = Revoke
account-revoked = Revoked.
account-none = None.
account-token-label = Token name
account-token-days = Valid for (days)
account-token-days-help = From 1 to 365.
account-token-create = Create token
account-token-created = Token created
account-token-once = Copy it now: it will not be shown again.

## Administration
admin-title = Administration
admin-users = Users
admin-users-search = Search users
admin-no-users = No user yet.
admin-agencies = Agencies
admin-security = Second factor
admin-retention = Retention
admin-agency = Agency
admin-roles = Roles
admin-status = Status
admin-active = Active
admin-disabled = Disabled
admin-no-factor = No second factor
admin-factor-on = Second factor
admin-must-change = Must change password
admin-display-name = Full name
admin-new-user = New user
admin-username-help = 3 to 64 characters: lower-case letters, digits, dot, hyphen, underscore.
admin-temporary-password = Temporary password
admin-temporary-password-help = The user must replace it at first sign-in. At least 12 characters.
admin-create-user = Create user
admin-user-created = The user is created.
admin-roles-required = Choose at least one role.
admin-roles-saved = Roles saved.
admin-access = Access
admin-disable = Disable the account
admin-enable = Enable the account
admin-user-disabled = The account is disabled and its sessions ended.
admin-user-enabled = The account is enabled.
admin-revoke-all = End all sessions and tokens
admin-credentials-revoked = All sessions and tokens of this user are revoked.
admin-reset-password = Reset password
admin-password-reset = The password is reset; the user must change it at next sign-in.
admin-credentials = Sessions and tokens
admin-kind = Kind
admin-kind-session = Session
admin-kind-token = API token
admin-code = Code
admin-code-help = Country prefix and a short name, such as IT-PS.
admin-name = Name
admin-country = Country
admin-country-help = ISO 3166 alpha-3 code, such as ITA; empty for an international body.
admin-international = International
admin-mandate = Mandate
admin-mandate-help = For a monitor: the kinds of record it monitors, separated by commas.
admin-agency-roles = Roles its users may hold
admin-agency-roles-help = An agency always has its own administrator. Grant only what the agency does: a ministry becomes a readmission authority here.
admin-roles-not-own = You cannot change your own roles; another administrator can.
admin-roles-of-agency = Only the roles agency { $agency } holds are offered.
admin-own-password = Change your own password on your account page.
admin-own-sessions = Your own sessions and tokens are on your account page.
admin-operator = operator
admin-new-agency = New agency
admin-create-agency = Create agency
admin-agency-created = The agency is created.
admin-security-help = Users with these roles must enrol a second factor (an authenticator app) to sign in.
admin-security-legend = Roles that require a second factor
admin-security-saved = The second-factor rule is saved.
admin-retention-help = How long each kind of record is kept before it is erased or anonymised. Each change is recorded in the audit log.
admin-retention-action = At the end
admin-retention-days = Keep (days)
admin-retention-bounds = Allowed
admin-retention-default = default { $days }
admin-retention-saved = Retention periods saved.
admin-retention-out-of-range = Outside the allowed range for this kind.

## Audit log
audit-title = Audit log
audit-help = Every change and every read of a person's record, in order. Search by who, what or when; the search is itself recorded.
audit-actor = User
audit-action = Action
audit-kind = Kind of record
audit-resource = Record
audit-from = From (date)
audit-to = To (date, included)
audit-search = Search
audit-results = { $count ->
    [one] One entry
   *[other] { $count } entries
}
audit-when = When
audit-details = Details
audit-erased = erased under retention
audit-none = No entry matches.
audit-older = Older entries
audit-export-csv = Export CSV
audit-export-jsonl = Export JSON Lines

## Errors
error-summary-title = Please correct the following
error-required = This field is required.
error-whole-number = Enter a whole number.
error-date = Enter a date as YYYY-MM-DD.
error-go-home = Go to the home page
error-status = Status { $status }
error-csrf-title = This form has expired
error-csrf-body = The form could not be verified as coming from this site (its security token is missing or out of date). Nothing was saved. Go back, reload the page and try again.
error-not-found-title = Not found
error-not-found-body = There is no such page, or it is not yours to see.
error-forbidden-title = Not allowed
error-forbidden-body = Your role does not allow this.
error-session-title = Sign in again
error-session-body = Your session has ended.
error-invalid-title = This could not be done
error-invalid-body = The request was refused by the platform's rules. Nothing was saved.
error-unavailable-title = Temporarily unavailable
error-unavailable-body = The platform cannot reach its database. Nothing was saved. Try again in a moment.
error-too-large-title = Too much data
error-too-large-body = The form sent more data than the platform accepts. Nothing was saved.

deadline-days-left = { $days ->
    [0] due today
    [one] 1 day left
   *[other] { $days } days left
}
error-number = Write a number.
deadline-days-overdue = { $days ->
    [one] 1 day overdue
   *[other] { $days } days overdue
}
sign-in-enrol-now = Add the key below to your authenticator app, then type your password again and the app's code.
sign-in-enrol-title = Your role requires a second factor
sign-in-enrol-body = Add this key to an authenticator app (or open the link on the phone that has it). The key stays the same until you confirm it with a code.
audit-period-reversed = The period ends before it starts: the second date must come after the first.

## The list component (search, filters, sorting, pages, CSV)
list-apply = Apply
list-clear = Clear
list-csv = Download CSV
list-count = { $shown } of { $all }
list-nothing-matches = Nothing matches the search and filters.
list-pages = Pages
list-previous = Previous
list-next = Next
list-page-of = Page { $page } of { $pages }
list-all = All

# Retention: what each kind of record is, and what happens at the end of its period.
retention-audit_details = Details of audit entries (may name persons); the entries and their chain are kept
retention-session = Ended browser sessions (expired or signed out)
retention-api_token = Expired or revoked API tokens
retention-notification = Notifications to agencies and users
admin-retention-action-erase = Erased
admin-retention-action-anonymise = Anonymised

# A refused value, by its code (the API keeps the English words).
error-password-too-short = At least { $min } characters.
error-password-has-username = The password must not contain the username.
error-password-unchanged = The new password must differ from the current one.
error-password-not-current = This is not your current password.
error-empty = This field must not be empty.
error-text-length = From 1 to { $max } characters.
error-username-form = 3 to 64 characters a-z, 0-9, '.', '_' or '-', starting with a letter.
error-roles-none = At least one role is needed.
error-roles-operator = The operator's agency holds every role.
error-disable-self = You cannot disable your own account.
error-reset-self = You cannot reset your own password: change it on your account page, with the current one.
error-totp-code-needed = A code of your current second factor is needed.
error-totp-code-wrong = The code does not match your current second factor.
error-totp-none = Your role requires a second factor and you have none: an administrator resets your password, and you set it up at the next sign-in.
error-totp-code-used = This code was used already: wait for the next one.
error-totp-no-enrolment = No enrolment is in progress: start one first.
error-totp-enrol-wrong = The code does not match: check the authenticator's clock and try the next code.
error-token-label = 1 to 100 characters.
error-token-days = Between 1 and { $max } days.
# The error page's detail: what was refused, with its code beside it.
error-invalid-value = A value was not accepted.
error-denied-read = None of your roles may read records of this kind.
error-denied-create = None of your roles may create records of this kind.
error-denied-update = None of your roles may change records of this kind.
error-denied-delete = None of your roles may delete records of this kind.
error-denied-export = None of your roles may export records of this kind.
error-denied-reach = This record is not within your reach.
error-conflict = It exists already.
error-render-title = This page could not be shown
error-render-body = Something went wrong on our side; it has been logged. If you had sent a form, check whether it was saved before sending it again.
admin-agencies-search = Search by code, name or country
admin-no-agencies = No agency matches.
admin-national = National
list-sort-by = Order by:
list-ascending = ascending
list-descending = descending
error-country = A country as its ISO 3166-1 alpha-3 code (PAK, TUN, ITA).
error-addressees-needed = AMBER needs at least one addressee (an agency, or a country for AMBER).
error-addressees-strict = AMBER+STRICT goes to named agencies, not countries.
error-handling-label = Expected a TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.
error-addressee = { $given }: give an agency code (PK-FIA) or a country as country:ISO3 (country:PAK).
error-no-agency = There is no agency { $code }.
country-code-help = An ISO 3166 alpha-3 code, such as PAK.
