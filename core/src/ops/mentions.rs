//! Mentions of the account in other accounts' comments and captions (mentions.*).

use super::OpSpec;

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<OpSpec> {
    vec![]
}
