//! Conversations and their messages (conversations.*).

use super::OpSpec;

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<OpSpec> {
    vec![]
}
