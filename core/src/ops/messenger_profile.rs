//! Ice breakers and the persistent menu (messenger_profile.*).

use super::OpSpec;

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<OpSpec> {
    vec![]
}
