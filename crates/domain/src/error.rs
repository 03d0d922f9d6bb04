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
    /// No builtin rulebook has this name.
    #[error("unknown rulebook \"{name}\"; the builtin rulebooks are {}", crate::rulebook::names().join(", "))]
    UnknownRulebook { name: String },
    /// The rulebook text is not valid TOML of the rulebook shape.
    #[error("rulebook {name}: {message}")]
    RulebookSyntax { name: String, message: String },
    /// A rulebook names a finding kind that does not exist.
    #[error("rulebook {name}: unknown finding kind `{kind}`")]
    UnknownKind { name: String, kind: String },
    /// A rulebook leaves finding kinds out (every kind must be mapped).
    #[error("rulebook {name}: finding kind `{}` is not mapped{}", kinds[0],
        if kinds.len() > 1 { format!(" (nor {})", kinds[1..].join(", ")) } else { String::new() })]
    MissingKinds { name: String, kinds: Vec<String> },
    /// A rulebook value is out of range or inconsistent.
    #[error("rulebook {name}: {kind}: {message}")]
    RulebookInvalid {
        name: String,
        kind: String,
        message: String,
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
