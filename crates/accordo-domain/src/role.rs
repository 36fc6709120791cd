//! Roles grant actions; ownership, addressees and handling decide on which records.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Analyst,
    Officer,
    Caseworker,
    PartnerAuthority,
    Monitor,
    Employer,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Analyst,
        Role::Officer,
        Role::Caseworker,
        Role::PartnerAuthority,
        Role::Monitor,
        Role::Employer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Officer => "officer",
            Role::Caseworker => "caseworker",
            Role::PartnerAuthority => "partner_authority",
            Role::Monitor => "monitor",
            Role::Employer => "employer",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a role; the roles are admin, analyst, officer, caseworker, partner_authority, monitor, employer"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// A set of roles; a user holds one or more.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RoleSet(u8);

impl RoleSet {
    /// Every role.
    pub fn all() -> Self {
        Role::ALL.into_iter().collect()
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// Parses a comma-separated list such as `officer,analyst`.
    pub fn parse_list(text: &str) -> Result<Self, UnknownRole> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Role::from_str)
            .collect()
    }

    /// The comma-separated form stored in the database.
    pub fn to_list(self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<T: IntoIterator<Item = Role>>(iter: T) -> Self {
        let mut set = RoleSet::default();
        for role in iter {
            set.insert(role);
        }
        set
    }
}

impl fmt::Debug for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_round_trip() {
        let set = RoleSet::parse_list("officer, analyst,partner_authority").unwrap();
        assert!(set.contains(Role::Officer) && set.contains(Role::Analyst));
        assert!(!set.contains(Role::Admin));
        assert_eq!(set.to_list(), "analyst,officer,partner_authority");
        assert_eq!(RoleSet::parse_list(&set.to_list()).unwrap(), set);
        assert_eq!(
            RoleSet::parse_list("officer,root"),
            Err(UnknownRole("root".into()))
        );
    }
}
