//! Python binding (in progress).
