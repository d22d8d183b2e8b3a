//! Node binding (in progress).
