//! Embedded Graph API simulator (in progress).
