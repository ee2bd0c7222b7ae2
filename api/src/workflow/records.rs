//! Records rules for the step-7 archive: who may read an entry of each access class, and what
//! a retention review may decide. Warta keeps every entry for good; a review only records the
//! office's decision, which the records office carries out outside Warta.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Role, UnknownValue};

/// Who may read an archive entry, after the security and access classes of Indonesian records
/// practice (*klasifikasi keamanan dan hak akses arsip*).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum AccessClass {
    /// *Biasa/Terbuka*: what was published anyway. Everyone who may see the request, and API
    /// clients allowed to read published material.
    #[default]
    Public,
    /// *Terbatas*: the office and the officials of the chain (steps 1–7) and admins; not the
    /// requester, not API clients.
    Internal,
    /// *Rahasia*: staff (who keep the records), the leadership (Vice Rector III, Head of
    /// Bureau) and admins only.
    Restricted,
}

impl AccessClass {
    /// Every class, least restricted first.
    pub const ALL: [AccessClass; 3] = [
        AccessClass::Public,
        AccessClass::Internal,
        AccessClass::Restricted,
    ];

    /// The class's stored spelling, e.g. `"restricted"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            AccessClass::Public => "public",
            AccessClass::Internal => "internal",
            AccessClass::Restricted => "restricted",
        }
    }

    /// The Indonesian label the office uses.
    pub fn label(&self) -> &'static str {
        match self {
            AccessClass::Public => "Biasa/Terbuka",
            AccessClass::Internal => "Terbatas",
            AccessClass::Restricted => "Rahasia",
        }
    }

    /// Whether `reader` may read an entry of this class. For people this comes on top of
    /// being allowed to see the request at all.
    pub fn readable_by(&self, reader: Reader<'_>) -> bool {
        let any_of = |roles: &BTreeSet<Role>, allowed: &[Role]| {
            allowed.iter().any(|role| roles.contains(role))
        };
        match (self, reader) {
            (AccessClass::Public, _) => true,
            (AccessClass::Internal, Reader::Person(roles)) => any_of(
                roles,
                &[
                    Role::ViceRector,
                    Role::BureauHead,
                    Role::PkihCoordinator,
                    Role::HumasDeputy,
                    Role::Staff,
                    Role::Admin,
                ],
            ),
            (AccessClass::Restricted, Reader::Person(roles)) => any_of(
                roles,
                &[Role::Staff, Role::ViceRector, Role::BureauHead, Role::Admin],
            ),
            (AccessClass::Internal | AccessClass::Restricted, Reader::Client) => false,
        }
    }
}

string_conversions!(AccessClass, "access class");

/// Who reads an archive entry.
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    /// A signed-in person with the roles they hold.
    Person(&'a BTreeSet<Role>),
    /// An API client (which of its entries it may see at all is the caller's business).
    Client,
}

/// What a retention review decided for an entry past its retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionDecision {
    /// *Diperpanjang*: keep it until a new date; it comes up for review again then.
    Keep,
    /// *Diserahkan*: hand it over to the university records office (*arsip statis*).
    Transfer,
    /// *Usul musnah disetujui*: destruction approved; the records office destroys the paper
    /// copy under its own procedure. Warta keeps its entry, marked.
    DestroyApproved,
}

impl RetentionDecision {
    /// Every decision.
    pub const ALL: [RetentionDecision; 3] = [
        RetentionDecision::Keep,
        RetentionDecision::Transfer,
        RetentionDecision::DestroyApproved,
    ];

    /// The decision's stored spelling, e.g. `"destroy_approved"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RetentionDecision::Keep => "keep",
            RetentionDecision::Transfer => "transfer",
            RetentionDecision::DestroyApproved => "destroy_approved",
        }
    }

    /// Whether the decision closes the review for good (only keeping brings the entry back,
    /// once its new date has passed).
    pub fn is_final(&self) -> bool {
        !matches!(self, RetentionDecision::Keep)
    }
}

string_conversions!(RetentionDecision, "retention decision");

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(list: &[Role]) -> BTreeSet<Role> {
        list.iter().copied().collect()
    }

    #[test]
    fn who_reads_each_access_class() {
        use AccessClass::*;
        let cases: &[(&[Role], [bool; 3])] = &[
            (&[Role::Requester], [true, false, false]),
            (&[Role::ViceRector], [true, true, true]),
            (&[Role::BureauHead], [true, true, true]),
            (&[Role::PkihCoordinator], [true, true, false]),
            (&[Role::HumasDeputy], [true, true, false]),
            (&[Role::Staff], [true, true, true]),
            (&[Role::Admin], [true, true, true]),
            (&[Role::Requester, Role::HumasDeputy], [true, true, false]),
            (&[], [true, false, false]),
        ];
        for (held, expected) in cases {
            let held = roles(held);
            let got = [Public, Internal, Restricted].map(|c| c.readable_by(Reader::Person(&held)));
            assert_eq!(got, *expected, "roles {held:?}");
        }
        let got = [Public, Internal, Restricted].map(|c| c.readable_by(Reader::Client));
        assert_eq!(got, [true, false, false], "clients");
    }

    #[test]
    fn archived_events_logged_before_access_classes_read_as_public() {
        let old = serde_json::json!({
            "type": "archived",
            "classification_code": "HM.01",
            "retention_years": 5,
        });
        let event: crate::workflow::Event = serde_json::from_value(old).expect("deserializes");
        assert_eq!(
            event,
            crate::workflow::Event::Archived {
                classification_code: "HM.01".into(),
                retention_years: 5,
                access_class: AccessClass::Public,
            }
        );
    }

    #[test]
    fn spellings_round_trip() {
        for c in AccessClass::ALL {
            assert_eq!(c.as_str().parse::<AccessClass>(), Ok(c));
        }
        for d in RetentionDecision::ALL {
            assert_eq!(d.as_str().parse::<RetentionDecision>(), Ok(d));
        }
        assert!("secret".parse::<AccessClass>().is_err());
        assert!(!RetentionDecision::Keep.is_final());
        assert!(
            RetentionDecision::Transfer.is_final() && RetentionDecision::DestroyApproved.is_final()
        );
    }
}
