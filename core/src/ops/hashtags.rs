//! Hashtag search and hashtag media, with the 30-hashtags-per-7-days budget (Facebook Login; hashtags.*).

use super::OpSpec;

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<OpSpec> {
    vec![]
}
