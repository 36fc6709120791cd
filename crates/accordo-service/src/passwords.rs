//! Password hashing with argon2id.

use crate::ServiceError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// How expensive a hash is: the standard cost in production, a cheap one only in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
    Standard,
    /// For tests only: trivially cheap.
    Test,
}

impl PasswordCost {
    fn hasher(self) -> Argon2<'static> {
        let params = match self {
            PasswordCost::Standard => Params::new(19 * 1024, 2, 1, None),
            PasswordCost::Test => Params::new(8, 1, 1, None),
        };
        // Both parameter sets are within argon2's documented bounds, so `new` cannot fail.
        let params = params.unwrap_or_default();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }
}

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;

pub fn hash(cost: PasswordCost, password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    cost.hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing only fails for out-of-range parameters or salts, which we do not produce.
        .unwrap_or_default()
}

/// Verifies against a stored hash; the parameters come from the hash itself.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`verify`] on a blocking thread: an argon2id verification takes tens of milliseconds of
/// CPU, which must not stall the requests sharing the async worker. Fails closed.
pub async fn verify_blocking(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || verify(&password, &hash))
        .await
        .unwrap_or(false)
}

/// [`hash`] on a blocking thread (see [`verify_blocking`]).
pub async fn hash_blocking(cost: PasswordCost, password: &str) -> String {
    let owned = password.to_owned();
    match tokio::task::spawn_blocking(move || hash(cost, &owned)).await {
        Ok(hashed) => hashed,
        // The task cannot panic; should the runtime refuse it, hash here.
        Err(_) => hash(cost, password),
    }
}

/// [`waste_verification`] on a blocking thread.
pub async fn waste_verification_blocking(cost: PasswordCost) {
    let _ = tokio::task::spawn_blocking(move || waste_verification(cost)).await;
}

/// Spends the time of a verification for a user that does not exist, so that timing does
/// not tell which usernames exist.
pub fn waste_verification(cost: PasswordCost) {
    // One verification, as for a name that exists: hashing the decoy here too would make an
    // unknown name the slower answer.
    static DECOYS: [std::sync::OnceLock<String>; 2] =
        [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
    let decoy = DECOYS[usize::from(cost == PasswordCost::Test)]
        .get_or_init(|| hash(cost, "decoy-password"));
    let _ = verify("not-a-password", decoy);
}

/// Checks a new password (for field `field`) against the policy; the refusal names what is
/// missing.
pub fn check_policy(field: &str, password: &str, username: &str) -> Result<(), ServiceError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(ServiceError::refused_value(
            field,
            "password-too-short",
            vec![("min", MIN_LENGTH.to_string())],
            format!("must be at least {MIN_LENGTH} characters"),
        ));
    }
    if password.eq_ignore_ascii_case(username)
        || password.to_lowercase().contains(&username.to_lowercase())
    {
        return Err(ServiceError::refused_value(
            field,
            "password-has-username",
            Vec::new(),
            "must not contain the username",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash(PasswordCost::Test, "correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn policy() {
        assert!(check_policy("password", "short", "ita.admin").is_err());
        assert!(check_policy("password", "xxita.adminxxxx", "ita.admin").is_err());
        assert!(check_policy("password", "a long enough passphrase", "ita.admin").is_ok());
    }
}
