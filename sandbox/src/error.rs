//! The sandbox's own error type: what went wrong starting or configuring it.

/// Broad class of a sandbox error, so callers (the bindings) can map it to their own kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An option (from Rust, JSON, the command line or `/_sandbox/*`) is invalid.
    InvalidOptions,
    /// The interface or port cannot be bound.
    Bind,
    /// Anything else: threads, runtimes, sockets that misbehave.
    Internal,
}

impl ErrorKind {
    /// Snake-case name (`invalid_options`, `bind`, `internal`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidOptions => "invalid_options",
            ErrorKind::Bind => "bind",
            ErrorKind::Internal => "internal",
        }
    }
}

/// An error of the sandbox: a kind and a human message naming the offending option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// What happened, e.g. `sandbox options: port: must be at most 65535`.
    pub message: String,
}

impl Error {
    /// A bad option.
    pub fn invalid_options(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::InvalidOptions,
            message: message.into(),
        }
    }

    /// The listener cannot be bound.
    pub fn bind(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Bind,
            message: message.into(),
        }
    }

    /// An internal failure.
    pub fn internal(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Internal,
            message: message.into(),
        }
    }
}

/// `Result` with the sandbox's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
