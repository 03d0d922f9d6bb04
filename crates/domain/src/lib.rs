//! Zhijian's pure domain core: validated value types, the evaluation dataset model
//! and the catalogue of finding kinds.
//!
//! Invariants: this crate does no IO (no files, SQL, HTTP or clock); every value type
//! can only be built by parsing, so a value that exists is valid ("parse, don't
//! validate"); regulation rules are written here or in rulebook data, once.

pub mod cert_no;
pub mod credit_code;
pub mod enums;
pub mod error;
pub mod finding;
pub mod id_number;
pub mod ids;
pub mod level;
pub mod model;
pub mod occupation;
pub mod region;
pub mod rulebook;
pub mod score;
pub mod time;

pub use cert_no::CertNo;
pub use credit_code::CreditCode;
pub use error::Error;
pub use id_number::IdNumber;
pub use level::Level;
pub use occupation::OccupationCode;
pub use region::RegionCode;
pub use score::Score;
pub use time::{Date, DateTime};
