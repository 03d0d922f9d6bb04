//! Identifiers assigned by institutions and authorities (机构编码, 批次号, 场所编码,
//! 人员编号, 试卷号, 投诉编号): free-form but never empty and never with control characters.

use crate::Error;
use compact_str::CompactString;

const EXPECTED: &str = "a non-empty code of at most 64 characters without control characters";

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(CompactString);

        impl $name {
            /// Parses an identifier: trimmed, non-empty, no control characters.
            pub fn parse(text: &str) -> Result<Self, Error> {
                let t = text.trim();
                if t.is_empty() {
                    return Err(Error::invalid("empty", EXPECTED));
                }
                if t.chars().count() > 64 || t.chars().any(char::is_control) {
                    return Err(Error::invalid(format!("\"{t}\" is too long or has control characters"), EXPECTED));
                }
                Ok($name(t.into()))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// 机构编码.
    InstitutionId
);
id_type!(
    /// 批次号.
    BatchId
);
id_type!(
    /// 场所编码.
    SiteId
);
id_type!(
    /// 人员编号: the examiner's or supervisor's card number.
    PersonId
);
id_type!(
    /// 试卷号.
    PaperId
);
id_type!(
    /// 投诉编号.
    ComplaintId
);
id_type!(
    /// An account name in the certificate-data access log.
    UserId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_trimmed_and_never_empty() {
        assert_eq!(BatchId::parse("  B2024001 ").unwrap().as_str(), "B2024001");
        assert!(BatchId::parse("   ").is_err());
        assert!(BatchId::parse("B\n1").is_err());
    }
}
