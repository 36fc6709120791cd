//! What can go wrong, in the user's terms. The HTTP layer maps each variant to a problem
//! document in one place; the CLI prints the message.

use accordo_domain::Denied;
use accordo_store::StoreError;

/// Why a sign-in or a credential was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    #[error("no credentials were given: sign in, or send `Authorization: Bearer <token>`")]
    Missing,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("this account needs the code of its second factor (field `totp`)")]
    TotpRequired,
    #[error("the second-factor code is wrong or expired")]
    TotpInvalid,
    #[error(
        "your role requires a second factor and this account has none; ask your agency's administrator to reset your password, then enrol it when you sign in with the temporary one"
    )]
    TotpEnrolmentRequired,
    /// First sign-in with a temporary password, by a role that needs a second factor: the
    /// key to add to an authenticator app, then to sign in again with its code.
    #[error(
        "your role requires a second factor: add the key shown on the sign-in page to an authenticator app, then sign in again with your password and its code"
    )]
    TotpEnrolmentStarted { secret: String, uri: String },
    #[error("this account is disabled; ask your agency's administrator")]
    Disabled,
    #[error("too many failed sign-ins; try again in {retry_after_seconds} seconds")]
    Throttled { retry_after_seconds: i64 },
    #[error("the token has expired; create a new one")]
    TokenExpired,
    #[error("the token was revoked")]
    TokenRevoked,
    #[error("the token is not known")]
    TokenUnknown,
    #[error("your session has ended; sign in again")]
    SessionEnded,
    /// Signed in with a temporary password: the credential serves only to change it.
    #[error(
        "you signed in with a temporary password: change it first (POST /api/v1/me/password, or the account page)"
    )]
    PasswordChangeRequired,
}

impl AuthFailure {
    pub fn code(&self) -> &'static str {
        match self {
            AuthFailure::Missing => "unauthenticated",
            AuthFailure::InvalidCredentials => "invalid_credentials",
            AuthFailure::TotpRequired => "totp_required",
            AuthFailure::TotpInvalid => "totp_invalid",
            AuthFailure::TotpEnrolmentRequired => "totp_enrolment_required",
            AuthFailure::TotpEnrolmentStarted { .. } => "totp_enrolment_started",
            AuthFailure::Disabled => "account_disabled",
            AuthFailure::Throttled { .. } => "too_many_attempts",
            AuthFailure::TokenExpired => "token_expired",
            AuthFailure::TokenRevoked => "token_revoked",
            AuthFailure::TokenUnknown => "token_unknown",
            AuthFailure::SessionEnded => "session_ended",
            AuthFailure::PasswordChangeRequired => "password_change_required",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Unauthenticated(#[from] AuthFailure),
    #[error("{0}")]
    Forbidden(#[from] Denied),
    #[error("no {kind} `{id}` that you may see")]
    NotFound { kind: &'static str, id: String },
    /// A field's value refused: `message` in English (the API's and the command line's
    /// words), `code` for the pages to say it in the reader's language.
    #[error("{field}: {message}")]
    Invalid {
        field: String,
        message: String,
        code: Option<Coded>,
    },
    #[error("{0} already exists")]
    Conflict(String),
    #[error("refused by the rules: {}", rules.join(", "))]
    Rules { rules: Vec<String> },
    #[error("the database is unavailable: {0}")]
    Store(StoreError),
}

/// A refusal the catalogues can say: message `error-<id>` of the platform's catalogue or
/// `<module>-error-<id>` of a module's, with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coded {
    pub id: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl ServiceError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Invalid {
            field: field.to_owned(),
            message: message.into(),
            code: None,
        }
    }

    /// A field's value refused, with the refusal's catalogue code (`id`, its `args`) beside
    /// its English words.
    pub fn refused_value(
        field: &str,
        id: &'static str,
        args: Vec<(&'static str, String)>,
        message: impl Into<String>,
    ) -> Self {
        ServiceError::Invalid {
            field: field.to_owned(),
            message: message.into(),
            code: Some(Coded { id, args }),
        }
    }

    pub fn not_found(kind: &'static str, id: impl ToString) -> Self {
        ServiceError::NotFound {
            kind,
            id: id.to_string(),
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict { what } => ServiceError::Conflict(what),
            other => ServiceError::Store(other),
        }
    }
}
