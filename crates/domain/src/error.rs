//! The one error type of the domain crate.

/// Why a value could not be parsed, and what would have been valid.
///
/// Callers that know where the value came from (file, row, column) wrap it with that
/// location; the domain only knows the value itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The text is not a valid value of the type.
    #[error("{reason}; expected {expected}")]
    Invalid {
        /// What is wrong, e.g. "check character is 3, not X".
        reason: String,
        /// What a valid value looks like, e.g. "18 characters: 17 digits and a check digit or X".
        expected: &'static str,
    },
}

impl Error {
    pub(crate) fn invalid(reason: impl Into<String>, expected: &'static str) -> Self {
        Error::Invalid {
            reason: reason.into(),
            expected,
        }
    }
}
