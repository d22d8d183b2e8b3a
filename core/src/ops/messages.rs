//! Instagram messaging: the Send API (text, media, templates, quick replies, reactions, sender actions, private replies) and attachments (messages.*).

use super::OpSpec;

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<OpSpec> {
    vec![]
}
