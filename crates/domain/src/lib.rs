//! Zhijian's pure domain core: validated value types, the evaluation dataset model
//! and the catalogue of finding kinds.
//!
//! Invariants: this crate does no IO (no files, SQL, HTTP or clock); every value type
//! can only be built by parsing, so a value that exists is valid ("parse, don't
//! validate"); regulation rules are written here or in rulebook data, once.

/// Implements `Display`, `FromStr`, `Serialize` and `Deserialize` for a value type
/// whose text form is `as_str()` and which is built only by `parse`, so that every
/// way in (text, JSON) goes through the same validation.
#[macro_export]
#[doc(hidden)]
macro_rules! text_value {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $t {
            type Err = $crate::Error;
            fn from_str(s: &str) -> Result<Self, $crate::Error> {
                Self::parse(s)
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub mod cert_no;
pub mod credit_code;
pub mod declared;
#[macro_use]
pub mod enums;
pub mod access;
pub mod case;
pub mod error;
pub mod finding;
pub mod id_number;
pub mod ids;
pub mod level;
pub mod model;
pub mod occupation;
pub mod privacy;
pub mod region;
pub mod registration;
pub mod rulebook;
pub mod score;
pub mod time;
pub mod workdays;
pub mod workflow;

pub use cert_no::CertNo;
pub use credit_code::CreditCode;
pub use declared::{Declared, WorkYears};
pub use error::Error;
pub use id_number::IdNumber;
pub use level::Level;
pub use occupation::OccupationCode;
pub use region::RegionCode;
pub use score::Score;
pub use time::{Date, DateTime};
