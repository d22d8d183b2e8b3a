//! The panic hook the bindings install: a panic's message is free text that may quote a token;
//! it travels, scrubbed, in the `internal` error the binding returns. The default hook would
//! print it unscrubbed to stderr, so this one prints only where it happened.

use std::sync::Once;

/// Install the quiet hook once per process (each binding's cdylib has its own std, so the hook
/// is that library's alone).
pub fn install_quiet_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            eprintln!(
                "instagram-graph: internal error (Rust panic){at}; reported to the caller as an internal error"
            );
        }));
    });
}
