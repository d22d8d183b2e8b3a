//! Against the embedded sandbox (added once the sandbox lands).
