//! The raw Graph request (graph.request): any path, with authentication, appsecret_proof, errors, retries, pacing and paging as for every operation.

use super::OpSpec;

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<OpSpec> {
    vec![]
}
