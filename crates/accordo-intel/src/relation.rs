//! Relations a message states between two of its entities, beyond their being named together:
//! a person uses a telephone, owns a vessel, pays an account, travelled with another person.
//! Each relation joins kinds that make sense for it, so that "a vessel travelled with an
//! IBAN" is refused where it is written rather than drawn in the network.

use crate::Kind;

/// What a message states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stated {
    /// The subject uses a means of contact or transport (a telephone, an address, an
    /// account name, a link, a vehicle, a vessel, a travel document).
    Uses,
    /// The subject owns a vessel, a vehicle, an account or a telephone line.
    Owns,
    /// The subject paid money to an account or a person.
    PaidTo,
    /// Two persons travelled together (either way round).
    TravelledWith,
}

impl Stated {
    pub const ALL: [Stated; 4] = [
        Stated::Uses,
        Stated::Owns,
        Stated::PaidTo,
        Stated::TravelledWith,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stated::Uses => "uses",
            Stated::Owns => "owns",
            Stated::PaidTo => "paid-to",
            Stated::TravelledWith => "travelled-with",
        }
    }

    pub fn parse(text: &str) -> Option<Stated> {
        Stated::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the relation reads the same both ways.
    pub fn symmetric(self) -> bool {
        self == Stated::TravelledWith
    }

    /// The kinds its subject may be.
    pub fn subjects(self) -> &'static [Kind] {
        match self {
            Stated::Uses | Stated::Owns | Stated::PaidTo => &[Kind::Person, Kind::Handle],
            Stated::TravelledWith => &[Kind::Person],
        }
    }

    /// The kinds its object may be.
    pub fn objects(self) -> &'static [Kind] {
        match self {
            Stated::Uses => &[
                Kind::Phone,
                Kind::Email,
                Kind::Handle,
                Kind::Url,
                Kind::Vehicle,
                Kind::Imo,
                Kind::Mmsi,
                Kind::Document,
            ],
            Stated::Owns => &[
                Kind::Imo,
                Kind::Mmsi,
                Kind::Vehicle,
                Kind::Iban,
                Kind::Phone,
            ],
            Stated::PaidTo => &[Kind::Iban, Kind::Person, Kind::Handle, Kind::Phone],
            Stated::TravelledWith => &[Kind::Person],
        }
    }
}

/// Why a stated relation is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelationError {
    /// The relation is not one of [`Stated::ALL`].
    Unknown(String),
    /// The subject's kind does not fit the relation.
    Subject { relation: Stated, kind: Kind },
    /// The object's kind does not fit the relation.
    Object { relation: Stated, kind: Kind },
    /// Subject and object are one entity.
    Itself,
}

impl RelationError {
    /// A stable code for the catalogues.
    pub fn code(&self) -> &'static str {
        match self {
            RelationError::Unknown(_) => "relation-unknown",
            RelationError::Subject { .. } => "relation-subject-kind",
            RelationError::Object { .. } => "relation-object-kind",
            RelationError::Itself => "relation-itself",
        }
    }
}

fn kinds(list: &[Kind]) -> String {
    list.iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::fmt::Display for RelationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RelationError::Unknown(given) => write!(
                f,
                "{given} is not a relation ({})",
                Stated::ALL.map(Stated::as_str).join(", ")
            ),
            RelationError::Subject { relation, kind } => write!(
                f,
                "a {} cannot be the subject of {} (expected {})",
                kind.as_str(),
                relation.as_str(),
                kinds(relation.subjects())
            ),
            RelationError::Object { relation, kind } => write!(
                f,
                "a {} cannot be the object of {} (expected {})",
                kind.as_str(),
                relation.as_str(),
                kinds(relation.objects())
            ),
            RelationError::Itself => f.write_str("an entity is not related to itself"),
        }
    }
}

/// Checks that `relation` may join an entity of `subject` to one of `object`; `same` says
/// whether both ends are one entity.
pub fn check(
    subject: Kind,
    relation: &str,
    object: Kind,
    same: bool,
) -> Result<Stated, RelationError> {
    let stated = Stated::parse(relation.trim())
        .ok_or_else(|| RelationError::Unknown(relation.to_owned()))?;
    if !stated.subjects().contains(&subject) {
        return Err(RelationError::Subject {
            relation: stated,
            kind: subject,
        });
    }
    if !stated.objects().contains(&object) {
        return Err(RelationError::Object {
            relation: stated,
            kind: object,
        });
    }
    if same {
        return Err(RelationError::Itself);
    }
    Ok(stated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_relation_joins_the_kinds_it_is_about() {
        assert_eq!(
            check(Kind::Person, "uses", Kind::Phone, false),
            Ok(Stated::Uses)
        );
        assert_eq!(
            check(Kind::Person, "owns", Kind::Imo, false),
            Ok(Stated::Owns)
        );
        assert_eq!(
            check(Kind::Handle, "paid-to", Kind::Iban, false),
            Ok(Stated::PaidTo)
        );
        assert_eq!(
            check(Kind::Person, "travelled-with", Kind::Person, false),
            Ok(Stated::TravelledWith)
        );
        let e = check(Kind::Imo, "travelled-with", Kind::Person, false).unwrap_err();
        assert_eq!(e.code(), "relation-subject-kind");
        assert!(e.to_string().contains("expected person"), "{e}");
        let e = check(Kind::Person, "owns", Kind::Email, false).unwrap_err();
        assert_eq!(e.code(), "relation-object-kind");
        let e = check(Kind::Person, "knows", Kind::Person, false).unwrap_err();
        assert_eq!(e.code(), "relation-unknown");
        assert!(e.to_string().contains("paid-to"), "{e}");
        let e = check(Kind::Person, "travelled-with", Kind::Person, true).unwrap_err();
        assert_eq!(e, RelationError::Itself);
    }

    #[test]
    fn names_read_back() {
        for s in Stated::ALL {
            assert_eq!(Stated::parse(s.as_str()), Some(s));
        }
        assert!(Stated::TravelledWith.symmetric() && !Stated::Uses.symmetric());
    }
}
